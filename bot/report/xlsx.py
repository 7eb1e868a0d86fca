"""The report as a spreadsheet: one sheet per area, Vietnamese headers, frozen header rows."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from handlers.statistics.figures import Figures
from handlers.statistics.labels import Labels, Share
from handlers.statistics.narrative import narrative
from handlers.statistics.tables import Table, report_tables

# Sheet -> the tables it holds, in order; the first table's header row is frozen.
SHEETS = (("summary", ("summary", "months")), ("units", ("units",)),
          ("topics", ("topics", "channels")), ("categories", ("categories",)),
          ("activities", ("activities",)))
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_WIDTH, HEADER_WIDTH = 60, 16


def workbook(figures: Figures, labels: Labels) -> bytes:
    tables = {table.key: table for table in report_tables(figures, labels)}
    book = Workbook()
    book.remove(book.active)
    for sheet_key, keys in SHEETS:
        sheet = book.create_sheet(labels.t(f"stats.sheet.{sheet_key}")[:31])
        row = _heading(sheet, figures, labels) if sheet_key == "summary" else 1
        for index, key in enumerate(keys):
            row = _write(sheet, tables[key], row, freeze=index == 0) + 1
        _widths(sheet, (1, 2) if sheet_key == "summary" else ())
        _print_setup(sheet)
        if sheet_key == "summary":
            _narrative(sheet, figures, labels, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _heading(sheet: Worksheet, figures: Figures, labels: Labels) -> int:
    """Title, scope and period above the summary table (frozen with its header)."""
    title = labels.t("stats.report.title")
    sheet.append([f"{figures.issuer.upper()} · {title}" if figures.issuer else title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([labels.t("stats.summary.title", scope=labels.scope(figures.scope_name),
                           period=labels.period(figures.period))])
    return 4


def _narrative(sheet: Worksheet, figures: Figures, labels: Labels, row: int) -> None:
    """The narrative paragraph under the tables, wrapped across the first two columns."""
    sheet.cell(row=row, column=1, value=labels.t("stats.report.narrative")).font = HEADER
    text = narrative(figures, labels)
    cell = sheet.cell(row=row + 1, column=1, value=text)
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=2)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[row + 1].height = min(400, 15 * (len(text) // 90 + 1))


def _write(sheet: Worksheet, table: Table, row: int, *, freeze: bool) -> int:
    """The table from `row` on (title, header, rows); the next free row is returned."""
    if not freeze:
        sheet.cell(row=row, column=1, value=table.title).font = HEADER
        row += 1
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    if freeze:
        sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
        sheet.print_title_rows = f"{row}:{row}"       # the header row on every printed page
    for index, values in enumerate(table.rows):
        row += 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=None if value == "" else value)
            if isinstance(value, int):
                cell.number_format = "#,##0"
            elif isinstance(value, Share):
                cell.value, cell.number_format = value.ratio, "0.0%"
        if table.indents:
            sheet.cell(row=row, column=1).alignment = Alignment(indent=table.indents[index] * 2)
    return row + 1


def _print_setup(sheet: Worksheet) -> None:
    """A4, as wide as the page (as many pages down as needed); wide tables lie landscape."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if sheet.max_column > 6 else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def _widths(sheet: Worksheet, skip: tuple[int, ...]) -> None:
    """Wide enough for each column's longest value; headers wrap, so they ask for at most
    HEADER_WIDTH. Rows in `skip` (the summary's title lines) and the narrative do not count."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None or cell.row in skip:
                continue
            shown = len(f"{cell.value:,}") if isinstance(cell.value, int) else len(str(cell.value))
            if cell.font.bold:
                shown = min(shown, HEADER_WIDTH)
            widths[cell.column] = max(widths.get(cell.column, 8), shown + 2)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH)
