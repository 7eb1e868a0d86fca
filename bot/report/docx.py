"""The report as a Word document in the shape of the seed's section III (python-docx).

A4, Times New Roman 13 (headings 14), margins of Vietnamese administrative documents (top and
bottom 2 cm, left 3 cm, right 2 cm). Sentences whose figure is zero are left out, as a person
writing the report would; every table says which figures the bot counted and which the units
recorded.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bot.report.docx_parts import Sections, is_figure
from handlers.statistics.figures import Figures
from handlers.statistics.labels import Labels

FONT, BODY, HEADING, TABLE = "Times New Roman", Pt(13), Pt(14), Pt(13)
WIDTH = Cm(16)           # A4 less the margins


def document(figures: Figures, labels: Labels, chart: bytes | None = None) -> bytes:
    """The DOCX bytes; `chart` is the PNG to embed (bot.report.charts)."""
    doc = Document()
    _page(doc)
    writer = Writer(doc, labels)
    Sections(writer, figures, labels).write(chart)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = BODY if name == "Normal" else HEADING
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        if name != "Normal":
            style.font.bold = True
            style.font.color.rgb = None
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)


class Writer:
    """The few kinds of blocks the report is made of."""

    def __init__(self, doc, labels: Labels) -> None:
        self.doc, self.labels = doc, labels

    def heading(self, text: str, level: int = 1) -> None:
        paragraph = self.doc.add_heading(text, level=level)
        for run in paragraph.runs:
            run.font.name, run.font.size, run.font.bold = FONT, HEADING, True

    def centred(self, text: str, *, bold: bool = False, size=BODY, italic: bool = False):
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, size
        return paragraph

    def paragraph(self, text: str, *, italic: bool = False) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.add_run(text).italic = italic

    def masthead(self, left: list[str], right: list[str]) -> None:
        """The two-column header of an administrative document, without borders."""
        table = self.doc.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (left, right)):
            cell.paragraphs[0].text = ""
            for index, line in enumerate(lines):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(line)
                run.bold, run.font.size = index < 2, BODY

    def table(self, headers: list[str], rows: list[list], widths: list[float]) -> None:
        """A bordered table that fits A4: the header row repeats on every page."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, headers):
            self._cell(cell, text, bold=True, centre=True)
        _repeat_header(table.rows[0])
        for row in rows:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, row)):
                numeric = not isinstance(value, str)
                text = self.labels.n(value) if numeric else value
                self._cell(cell, text, right=numeric or index > 0 and is_figure(value))
        for column, width in zip(table.columns, widths):
            for cell in column.cells:
                cell.width = Cm(width)
        self.doc.add_paragraph()

    def _cell(self, cell, text: str, *, bold=False, centre=False, right=False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        if centre or right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, TABLE

    def picture(self, png: bytes) -> None:
        self.doc.add_picture(io.BytesIO(png), width=WIDTH)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    properties.append(header)
