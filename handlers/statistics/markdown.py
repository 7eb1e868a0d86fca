"""The report as Markdown: a title, the narrative paragraph, then the tables."""
from __future__ import annotations

from handlers.statistics.figures import Figures
from handlers.statistics.labels import Labels
from handlers.statistics.narrative import narrative
from handlers.statistics.tables import Cell, Table, report_tables

INDENT = "\u00a0\u00a0"        # non-breaking spaces survive Markdown renderers


def markdown(figures: Figures, labels: Labels) -> str:
    scope = labels.scope(figures.scope_name)
    issuer = [f"**{figures.issuer.upper()}**", ""] if figures.issuer else []
    lines = [*issuer, f"# {labels.t('stats.report.title')}", "",
             labels.t("stats.report.subtitle", scope=scope, period=labels.period(figures.period)),
             "", f"## {labels.t('stats.report.narrative')}", "", narrative(figures, labels), ""]
    if not figures.empty:
        for number, table in enumerate(report_tables(figures, labels), start=1):
            if table.rows:
                lines += [f"## {number}. {table.title}", "", *_table(table, labels), ""]
    generated = labels.t("stats.report.generated", moment=labels.moment(figures.generated_at))
    lines.append(f"_{generated}_")
    return "\n".join(lines) + "\n"


def _cell(value: Cell, labels: Labels) -> str:
    text = labels.n(value) if isinstance(value, int) else str(value)
    return text.replace("|", "\\|")


def _table(table: Table, labels: Labels) -> list[str]:
    numeric = [all(isinstance(r[i], int) or r[i] == "" for r in table.rows)
               for i in range(len(table.headers))]
    align = ["---:" if right and i else "---" for i, right in enumerate(numeric)]
    lines = ["| " + " | ".join(table.headers) + " |", "| " + " | ".join(align) + " |"]
    for index, row in enumerate(table.rows):
        cells = [_cell(v, labels) for v in row]
        if table.indents:
            cells[0] = INDENT * table.indents[index] + cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
