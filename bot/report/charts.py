"""The report's charts as one PNG (matplotlib, headless): deliveries and tips per month, tips
by category, and what became of the tips. DejaVu Sans, shipped with matplotlib, has every
Vietnamese glyph."""
from __future__ import annotations

import io
from textwrap import fill

import matplotlib

matplotlib.use("Agg")     # no display: must be chosen before anything draws

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from handlers.statistics.activities import CATEGORIES  # noqa: E402

from handlers.statistics.figures import OUTCOMES, Figures  # noqa: E402
from handlers.statistics.labels import Labels  # noqa: E402

SIZE, DPI = (12, 8), 100
FONT = {"family": "DejaVu Sans", "size": 9}
COLOURS = {"delivered": "#2e7d32", "undelivered": "#c62828", "tips": "#1565c0",
           "valuable": "#f9a825", "offline": "#6a1b9a"}
OUTCOME_COLOURS = ("#f9a825", "#90a4ae", "#8d6e63", "#c62828", "#b0bec5")


def chart_png(figures: Figures, labels: Labels, dpi: int = DPI) -> bytes:
    """A 12x8 inch PNG (1200x800 at the default 100 dpi; 300 dpi for print); an empty period
    gets a picture that says so, not a blank one."""
    with matplotlib.rc_context({"font.family": FONT["family"], "font.size": FONT["size"]}):
        fig = Figure(figsize=SIZE, dpi=dpi, layout="constrained")
        fig.suptitle(labels.t("stats.chart.title", scope=labels.scope(figures.scope_name),
                              period=labels.period(figures.period)), fontsize=13)
        if figures.empty:
            _empty(fig, labels)
        else:
            grid = fig.add_gridspec(2, 6)
            _deliveries(fig.add_subplot(grid[0, :2]), figures, labels)
            _tips_per_month(fig.add_subplot(grid[0, 2:4]), figures, labels)
            _outcomes(fig.add_subplot(grid[0, 4:]), figures, labels)
            _categories(fig.add_subplot(grid[1, :3]), figures, labels)
            _offline(fig.add_subplot(grid[1, 3:]), figures, labels)
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


def _months(figures: Figures, labels: Labels) -> list[str]:
    return [labels.month(m.year, m.month) for m in figures.months]


def _thousands(axis, labels: Labels) -> None:
    """Whole-number ticks written the report's way (1.234)."""
    axis.get_major_locator().set_params(integer=True)
    axis.set_major_formatter(FuncFormatter(lambda value, _: labels.n(int(value))))


def _bars(ax, names: list[str], series: list[tuple[str, list[int], str]], title: str,
          labels: Labels, y_title: str) -> None:
    width = 0.8 / max(len(series), 1)
    for index, (label, values, colour) in enumerate(series):
        positions = [i + (index - (len(series) - 1) / 2) * width for i in range(len(names))]
        ax.bar(positions, values, width=width, label=label, color=colour)
    ax.set_xticks(range(len(names)), names, rotation=45 if len(names) > 6 else 0, ha="right"
                  if len(names) > 6 else "center")
    ax.set_title(title, pad=22)
    # Above the plot, under the title: a legend inside the axes can cover the bars.
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), frameon=False)
    ax.set_xlabel(labels.t("stats.chart.month_axis"))
    ax.set_ylabel(y_title)
    _thousands(ax.yaxis, labels)


def _deliveries(ax, figures: Figures, labels: Labels) -> None:
    months = figures.months
    _bars(ax, _months(figures, labels),
          [(labels.t("stats.chart.delivered"), [m.delivered for m in months],
            COLOURS["delivered"]),
           (labels.t("stats.chart.undelivered"), [m.undelivered for m in months],
            COLOURS["undelivered"])], labels.t("stats.chart.deliveries"), labels,
          labels.t("stats.chart.sends_axis"))


def _tips_per_month(ax, figures: Figures, labels: Labels) -> None:
    months = figures.months
    _bars(ax, _months(figures, labels),
          [(labels.t("stats.chart.tips"), [m.tips for m in months], COLOURS["tips"]),
           (labels.t("stats.chart.valuable"), [m.valuable for m in months],
            COLOURS["valuable"])], labels.t("stats.chart.tips_per_month"), labels,
          labels.t("stats.chart.tips_axis"))


def _categories(ax, figures: Figures, labels: Labels) -> None:
    ax.set_title(labels.t("stats.chart.categories"))
    rows = [c for c in figures.categories if c.tips][::-1]
    if not rows:
        _note(ax, labels.t("stats.chart.no_tips"))
        return
    ax.barh([labels.category(c.category) for c in rows], [c.tips for c in rows],
            color=COLOURS["tips"])
    ax.set_xlabel(labels.t("stats.chart.tips_axis"))
    _thousands(ax.xaxis, labels)


def _offline(ax, figures: Figures, labels: Labels) -> None:
    """What the units recorded (not counted by the bot), one bar per category with a count."""
    ax.set_title(labels.t("stats.chart.offline"))
    shown = [(labels.activity(c.slug), figures.total.counts.activity(c.slug).count)
             for c in CATEGORIES]
    shown = [item for item in shown if item[1]][::-1]
    if not shown:
        _note(ax, labels.t("stats.chart.no_offline"))
        return
    bars = ax.barh([fill(name, 24) for name, _ in shown], [n for _, n in shown], color=COLOURS["offline"])
    # 3.000 leaflets next to 2 conferences: each bar carries its figure, so small ones read.
    ax.bar_label(bars, labels=[labels.n(n) for _, n in shown], padding=3)
    ax.margins(x=0.25)
    ax.set_xlabel(labels.t("stats.chart.count_axis"))
    _thousands(ax.xaxis, labels)


def _outcomes(ax, figures: Figures, labels: Labels) -> None:
    ax.set_title(labels.t("stats.chart.outcomes"))
    c = figures.total.counts
    shares = [(name, getattr(c, name), colour) for name, colour in
              zip((*OUTCOMES, "pending"), OUTCOME_COLOURS)]
    shares = [s for s in shares if s[1] > 0]
    if not shares:
        _note(ax, labels.t("stats.chart.no_tips"))
        return
    ax.pie([s[1] for s in shares], labels=[labels.t(f"stats.outcome.{s[0]}") for s in shares],
           colors=[s[2] for s in shares], autopct=lambda p: labels.style.number(round(p, 1))
           + "%", startangle=90, counterclock=False)
    ax.axis("equal")


def _note(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=12, transform=ax.transAxes)
    ax.set_axis_off()


def _empty(fig: Figure, labels: Labels) -> None:
    ax = fig.add_subplot(1, 1, 1)
    _note(ax, labels.t("stats.chart.empty"))
