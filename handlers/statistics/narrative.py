"""The report's words: the narrative paragraph in the style of the seed's section III, and the
compact summary shown in chat. Every phrase is a catalogue entry; this module only chooses which
phrases apply (a figure that is zero is left out, as a person writing the report would)."""
from __future__ import annotations

from handlers.statistics.figures import Counts, Figures
from handlers.statistics.labels import Labels

EVENT_CATEGORIES = ("conference", "listening_session", "listening_session_district",
                    "listening_session_integrated", "rally", "rally_district", "legal_contest",
                    "legal_contest_district")
MATERIAL_CATEGORIES = ("leaflets", "booklets", "web_post", "zalo_post", "fanpage_post",
                       "zalo_group_share")


def narrative(figures: Figures, labels: Labels) -> str:
    """One paragraph: outreach, tips, how tips were handled, offline outreach, teams."""
    scope = labels.place(figures.scope_name or figures.area_name)
    period = labels.period(figures.period)
    if figures.empty:
        return labels.t("stats.narrative.empty", period=period, scope=scope)
    sentences = [_outreach(figures, labels), _handling(figures, labels),
                 _offline(figures.total.counts, labels), _teams(figures.total.counts, labels)]
    opening = labels.t("stats.narrative.opening", period=period, scope=scope)
    first, *rest = [s for s in sentences if s] or [labels.t("stats.narrative.nothing_online")]
    return " ".join([f"{opening} {first}.", *(_capital(s) + "." for s in rest)])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _outreach(figures: Figures, labels: Labels) -> str:
    c, n, parts = figures.total.counts, labels.n, []
    if figures.total.bulletins or c.attempted or c.delivery_expired or c.delivery_out_of_reach:
        parts.append(labels.t("stats.narrative.bulletins", bulletins=n(figures.total.bulletins),
                              delivered=n(c.delivered), attempted=n(c.attempted),
                              share=labels.pct(c.delivered, c.attempted)))
    if c.subscribers_end or c.new_subscribers or c.left:
        parts.append(labels.t("stats.narrative.subscribers", subscribers=n(c.subscribers_end),
                              new=n(c.new_subscribers), left=n(c.left)))
    if c.zalo_reads:
        parts.append(labels.t("stats.narrative.zalo_reads", n=n(c.zalo_reads)))
    if c.views:
        parts.append(labels.t("stats.narrative.views", views=n(c.views)))
    if c.tips:
        # Team members' incident reports are not "của Nhân dân": they are named apart.
        key = "stats.narrative.tips_with_team" if c.tips_team else "stats.narrative.tips"
        parts.append(labels.t(key, tips=n(c.tips), residents=n(c.tips_residents),
                              team=n(c.tips_team), valuable=n(c.valuable),
                              share=labels.pct(c.valuable, c.tips)))
    return "; ".join(parts)


def _handling(figures: Figures, labels: Labels) -> str:
    c, d, n = figures.total.counts, figures.total.durations, labels.n
    if not c.tips:
        return ""
    outcomes = [labels.t(f"stats.narrative.outcome.{name}", n=n(getattr(c, name)))
                for name in ("not_valuable", "duplicate", "spam", "pending") if getattr(c, name)]
    parts = [labels.t("stats.narrative.outcomes", items=", ".join(outcomes))] if outcomes else []
    if c.tips_moved:
        parts.append(labels.t("stats.narrative.moved", moved=n(c.tips_moved)))
    if c.tips_escalated:
        parts.append(labels.t("stats.narrative.escalated", escalated=n(c.tips_escalated)))
    if c.tips_credited:
        parts.append(labels.t("stats.narrative.credited", credited=n(c.tips_credited)))
    if d.first_action_n:
        parts.append(labels.t("stats.narrative.first_action",
                              median=labels.duration(d.first_action_median),
                              p90=labels.within(d.first_action_p90)))
    if d.closure_n:
        parts.append(labels.t("stats.narrative.closure", median=labels.duration(d.closure_median),
                              p90=labels.within(d.closure_p90)))
    return "; ".join(parts)


def _offline(c: Counts, labels: Labels) -> str:
    parts = offline_items(c, labels)
    if not parts:
        return ""
    return labels.t("stats.narrative.offline", items="; ".join(parts))


def offline_items(c: Counts, labels: Labels) -> list[str]:
    """One phrase per offline category with a count ("tổ chức 2 Hội nghị …")."""
    n, parts = labels.n, []
    for slug in EVENT_CATEGORIES:
        a = c.activity(slug)
        if a.count:
            key = "with_attendance" if a.attendance else "plain"
            parts.append(labels.t(f"stats.narrative.act.{slug}.{key}", count=n(a.count),
                                  attendance=n(a.attendance)))
    for slug in MATERIAL_CATEGORIES:
        if c.activity(slug).count:
            parts.append(labels.t(f"stats.narrative.act.{slug}", count=n(c.activity(slug).count)))
    radio, mediation = c.activity("loudspeaker"), c.activity("mediation")
    if radio.count:
        parts.append(labels.t("stats.narrative.act.loudspeaker", count=n(radio.count),
                              aired=n(radio.aired)))
    if mediation.count:
        parts.append(labels.t("stats.narrative.act.mediation", count=n(mediation.count),
                              succeeded=n(mediation.succeeded),
                              share=labels.pct(mediation.succeeded, mediation.count)))
    return parts


def _teams(c: Counts, labels: Labels) -> str:
    parts = []
    if c.teams or c.team_members:
        parts.append(labels.t("stats.narrative.teams", teams=labels.n(c.teams),
                              members=labels.n(c.team_members)))
    if c.team_reports:
        parts.append(labels.t("stats.narrative.team_reports", reports=labels.n(c.team_reports)))
    return "; ".join(parts)


def summary(figures: Figures, labels: Labels) -> str:
    """The compact chat summary: a title and one line per area that has figures."""
    title = labels.t("stats.summary.title", scope=labels.scope(figures.scope_name),
                     period=labels.period(figures.period))
    if figures.empty:
        return "\n".join([title, labels.t("stats.summary.empty")])
    c, d, n = figures.total.counts, figures.total.durations, labels.n
    lines = [title,
             labels.t("stats.summary.bulletins", bulletins=n(figures.total.bulletins),
                      delivered=n(c.delivered), share=labels.pct(c.delivered, c.attempted)),
             labels.t("stats.summary.subscribers", subscribers=n(c.subscribers_end),
                      new=n(c.new_subscribers), left=n(c.left)),
             labels.t("stats.summary.tips", tips=n(c.tips), valuable=n(c.valuable),
                      share=labels.pct(c.valuable, c.tips), moved=n(c.tips_moved),
                      escalated=n(c.tips_escalated))]
    if d.first_action_n:
        lines.append(labels.t("stats.summary.first_action",
                              median=labels.duration(d.first_action_median),
                              p90=labels.within(d.first_action_p90)))
    lines.append(labels.t("stats.summary.teams", teams=n(c.teams), members=n(c.team_members),
                          reports=n(c.team_reports)))
    offline = _offline_short(c, labels)
    if offline:
        lines.append(labels.t("stats.summary.offline", items=offline))
    return "\n".join(lines)


def _offline_short(c: Counts, labels: Labels) -> str:
    shown = [(slug, totals) for slug, totals in sorted(c.activities.items()) if totals.count]
    return ", ".join(f"{labels.activity(slug)}: {labels.n(t.count)}" for slug, t in shown)
