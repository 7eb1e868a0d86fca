"""The report as a PDF (fpdf2): the same document as the DOCX, written by the same Sections
(bot.report.docx_parts) through a writer with the same blocks, laid out on A4 with the margins of
Vietnamese administrative documents and a serif TrueType font found on this machine.

LibreOffice is not used: the PDF is drawn directly, so it needs no office suite, only a serif
font with Vietnamese glyphs (Liberation Serif, metric-compatible with Times New Roman, else
DejaVu Serif).
"""
from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout, XPos, YPos

from bot.report.docx_parts import Sections, is_figure
from handlers.statistics.figures import Figures
from handlers.statistics.labels import Labels

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
# (family, regular, bold, italic) in order of preference.
FONT_FILES = (
    ("Liberation Serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
     "LiberationSerif-Italic.ttf"),
    ("DejaVu Serif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
)
FAMILY, BODY, HEADING, TABLE = "serif", 13, 14, 12
LINE = 6.2                 # mm, about 1.35 lines of 13 pt
WIDTH = 160                # mm: A4 less the margins (30 left, 20 right)


class FontMissing(RuntimeError):
    """No serif TrueType font with Vietnamese glyphs was found: the message says what to install."""


def serif_font(dirs: tuple[Path, ...] = FONT_DIRS) -> tuple[str, dict[str, Path]]:
    """The first family of FONT_FILES whose three faces are all under `dirs`."""
    for family, *files in FONT_FILES:
        found = [_find(name, dirs) for name in files]
        if all(found):
            return family, dict(zip(("", "B", "I"), found))  # type: ignore[arg-type]
    raise FontMissing("no serif TrueType font found for the PDF under "
                      f"{', '.join(str(d) for d in dirs)}: install fonts-liberation "
                      "(Liberation Serif) or fonts-dejavu-core (DejaVu Serif)")


def _find(name: str, dirs: tuple[Path, ...]) -> Path | None:
    for folder in dirs:
        if folder.is_dir():
            for path in folder.rglob(name):
                return path
    return None


def document(figures: Figures, labels: Labels, chart: bytes | None = None) -> bytes:
    """The PDF bytes; `chart` is the PNG to embed (bot.report.charts)."""
    family, faces = serif_font()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(left=30, top=20, right=20)
    pdf.set_auto_page_break(auto=True, margin=20)
    for style, path in faces.items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_title(labels.t("stats.docx.title"))
    pdf.set_creator(f"antt-bot (fpdf2, {family})")
    pdf.add_page()
    Sections(Writer(pdf, labels), figures, labels).write(chart)
    return bytes(pdf.output())


class Writer:
    """The blocks of bot.report.docx.Writer, drawn with fpdf2."""

    def __init__(self, pdf: FPDF, labels: Labels) -> None:
        self.pdf, self.labels = pdf, labels

    def _font(self, size: float = BODY, style: str = "") -> None:
        self.pdf.set_font(FAMILY, style, size)

    def heading(self, text: str, level: int = 1) -> None:
        self._font(HEADING, "B")
        self.pdf.ln(2 if level > 1 else 4)
        self.pdf.multi_cell(0, LINE, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def centred(self, text: str, *, bold: bool = False, size=BODY, italic: bool = False):
        self._font(BODY, ("B" if bold else "") + ("I" if italic else ""))
        self.pdf.multi_cell(0, LINE, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, italic: bool = False) -> None:
        self._font(BODY, "I" if italic else "")
        with (self.pdf.text_columns(text_align=Align.J, line_height=1.35) as columns,
              columns.paragraph(first_line_indent=10, bottom_margin=2) as paragraph):
            paragraph.write(text)

    def masthead(self, left: list[str], right: list[str]) -> None:
        """The two-column header of an administrative document, without borders."""
        self._font(BODY)
        bold = FontFace(emphasis="BOLD")
        with self.pdf.table(borders_layout=TableBordersLayout.NONE, first_row_as_headings=False,
                            col_widths=(7, 9), width=WIDTH, text_align=Align.C,
                            line_height=LINE) as table:
            for index in range(max(len(left), len(right))):
                row = table.row()
                for lines in (left, right):
                    text = lines[index] if index < len(lines) else ""
                    row.cell(text, style=bold if index < 2 else None)
        self.pdf.ln(4)

    def table(self, headers: list[str], rows: list[list], widths: list[float]) -> None:
        """A bordered table that fits A4: the header row repeats on every page."""
        self._font(TABLE)
        with self.pdf.table(col_widths=tuple(widths), width=min(WIDTH, sum(widths) * 10),
                            headings_style=FontFace(emphasis="BOLD"), repeat_headings=1,
                            line_height=LINE - 0.6, padding=1) as table:
            heading = table.row()
            for text in headers:
                heading.cell(text, align=Align.C)
            for values in rows:
                row = table.row()
                for index, value in enumerate(values):
                    numeric = not isinstance(value, str)
                    text = self.labels.n(value) if numeric else value
                    right = numeric or index > 0 and is_figure(text)
                    row.cell(text, align=Align.R if right else Align.L)
        self.pdf.ln(4)

    def picture(self, png: bytes) -> None:
        self.pdf.image(io.BytesIO(png), x=Align.C, w=WIDTH)
        self.pdf.ln(2)
