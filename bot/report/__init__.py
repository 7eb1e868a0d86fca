"""The report's outputs: Markdown, XLSX, PNG charts, JSON, DOCX and PDF, all from one Figures."""
from __future__ import annotations

import asyncio
import json

from handlers.statistics.figures import Figures
from handlers.statistics.labels import Labels
from handlers.statistics.markdown import markdown
from handlers.statistics.narrative import narrative

FORMATS = ("md", "xlsx", "png", "json", "docx", "pdf")


def render(figures: Figures, fmt: str, labels: Labels, dpi: int | None = None) -> bytes:
    """The report in `fmt`; an empty period still gives a complete "no activity" report.
    `dpi` sets the charts' resolution (PNG, DOCX and PDF; 300 for print)."""
    if fmt in ("png", "docx", "pdf"):
        return _pictured(figures, fmt, labels, dpi)
    if fmt == "md":
        return markdown(figures, labels).encode("utf-8")
    if fmt == "json":
        data = figures.as_dict()
        data["narrative"] = narrative(figures, labels)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "xlsx":
        from bot.report.xlsx import workbook
        return workbook(figures, labels)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _pictured(figures: Figures, fmt: str, labels: Labels, dpi: int | None) -> bytes:
    from bot.report.charts import DPI, chart_png
    if fmt == "png":
        return chart_png(figures, labels, dpi or DPI)
    picture = None if figures.empty else chart_png(figures, labels, dpi or DPI)
    if fmt == "pdf":
        from bot.report import pdf
        return pdf.document(figures, labels, picture)
    from bot.report.docx import document
    return document(figures, labels, picture)


def default_name(figures: Figures, fmt: str) -> str:
    period = figures.period
    unit = f"-{figures.scope_slug}" if figures.scope_slug else ""
    return f"report-{period.start.isoformat()}-{period.end.isoformat()}{unit}.{fmt}"


async def chart(figures: Figures, labels: Labels) -> bytes | None:
    """The chart for chat: drawn off the event loop; matplotlib is loaded on first use."""
    from bot.report.charts import chart_png
    return await asyncio.to_thread(chart_png, figures, labels)


async def report_file(figures: Figures, labels: Labels, fmt: str) -> tuple[bytes, str]:
    """A report file for chat ("docx" or "xlsx"), made off the event loop."""
    body = await asyncio.to_thread(render, figures, fmt, labels)
    return body, default_name(figures, fmt)
