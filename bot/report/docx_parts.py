"""What the Word report says, section by section (the seed's section III); bot.report.docx
and bot.report.pdf lay it out. A sentence whose figures are all zero is left out."""
from __future__ import annotations

from handlers.statistics.activities import CATEGORIES, TIP_CATEGORIES
from handlers.statistics.figures import Counts, Figures
from handlers.statistics.labels import Labels
from handlers.statistics.narrative import offline_items

BOT, RECORDED = "bot", "recorded"
LISTENING = ("listening_session_district", "listening_session", "listening_session_integrated")
STANDING = ("model", "mass_organisation")
NOT_OUTREACH = (*LISTENING, *TIP_CATEGORIES, *STANDING)


def is_figure(text: str) -> bool:
    """A table cell that holds a formatted figure ("1.234", "80,5%", "—"): right-aligned by
    both writers (bot.report.docx, bot.report.pdf)."""
    stripped = text.replace(".", "").replace(",", "").rstrip("%")
    return stripped.isdigit() or text == "—"


class Sections:
    def __init__(self, writer, figures: Figures, labels: Labels) -> None:
        self.w, self.f, self.l = writer, figures, labels
        self.c: Counts = figures.total.counts

    def t(self, key: str, **values) -> str:
        return self.l.t(f"stats.docx.{key}", **values)

    def write(self, chart: bytes | None) -> None:
        self._masthead()
        self.w.heading(self.t("results"), 1)
        self._outreach()
        self._listening()
        self._tips()
        self._teams()
        self._models()
        self._units()
        if chart:
            self.w.heading(self.t("charts"), 2)
            self.w.picture(chart)
        self._sources()

    def _masthead(self) -> None:
        f, lb = self.f, self.l
        police = (f.issuer or self.t("police_default")).upper()
        when = f.generated_at
        self.w.masthead([police, "", self.t("number")],
                        [self.t("republic"), self.t("motto"),
                         self.t("dated", day=f"{when.day:02d}", month=f"{when.month:02d}",
                                year=when.year)])
        self.w.centred(self.t("title"), bold=True)
        self.w.centred(self.t("subtitle", period=lb.period(f.period), scope=self.place()),
                       bold=True)

    def place(self) -> str:
        return self.l.place(self.f.scope_name or self.f.area_name)

    def _outreach(self) -> None:
        """1. Công tác tuyên truyền: offline events, materials, posts, then the chatbot."""
        self.w.heading(self.t("outreach"), 2)
        offline = offline_items(self.c, self.l)
        if offline:
            self.w.paragraph(self.t("offline_intro", scope=self.place(), items="; ".join(offline)))
        online = self._online()
        if online:
            self.w.paragraph(online)
            self._channels()
        if not offline and not online:
            self.w.paragraph(self.t("outreach_none"))
        rows = self._outreach_rows()
        if rows:
            self.w.table([self.t("col.item"), self.t("col.count"), self.t("col.detail"),
                          self.t("col.source")], rows, [6.5, 2.5, 4, 3])

    def _online(self) -> str:
        f, c, n = self.f, self.c, self.l.n
        if not (f.total.bulletins or c.attempted):
            return ""
        text = self.t("online", bulletins=n(f.total.bulletins), delivered=n(c.delivered),
                      attempted=n(c.attempted), share=self.l.pct(c.delivered, c.attempted))
        if c.zalo_reads:
            text += " " + self.t("zalo_reads", n=n(c.zalo_reads))
        if c.subscribers_end:
            text += " " + self.t("subscribers", n=n(c.subscribers_end))
        return text

    def _channels(self) -> None:
        """Bulletins and deliveries per channel (Telegram, Zalo OA, Zalo Bot)."""
        rows = [[self.l.channel(ch.channel), ch.bulletins, ch.attempted, ch.delivered,
                 self.l.pct(ch.delivered, ch.attempted)]
                for ch in self.f.channels if ch.bulletins or ch.attempted]
        if len(rows) < 2:
            return
        self.w.paragraph(self.t("channels"))
        self.w.table([self.t("col.channel"), self.t("col.bulletins"), self.t("col.attempted"),
                      self.t("col.delivered"), self.t("col.share")], rows, [4, 2.5, 3, 3, 2.5])

    def _outreach_rows(self) -> list[list]:
        rows, c, lb = [], self.c, self.l
        if self.f.total.bulletins or c.attempted:
            rows.append([self.t("row.bulletins"), self.f.total.bulletins,
                         self.t("detail.delivered", n=lb.n(c.delivered),
                                share=lb.pct(c.delivered, c.attempted)), self.t(f"source.{BOT}")])
        for category in CATEGORIES:
            if category.slug in NOT_OUTREACH:
                continue
            a = c.activity(category.slug)
            if a.count:
                rows.append([lb.activity(category.slug), a.count, self._extra(category, a),
                             self.t(f"source.{RECORDED}")])
        return rows

    def _extra(self, category, a) -> str:
        lb = self.l
        if category.extra == "attendance" and a.attendance:
            return self.t("detail.attendance", n=lb.n(a.attendance))
        if category.extra == "aired":
            return self.t("detail.aired", n=lb.n(a.aired))
        if category.extra == "succeeded":
            return self.t("detail.succeeded", n=lb.n(a.succeeded), share=lb.pct(a.succeeded,
                                                                                a.count))
        return ""

    def _listening(self) -> None:
        """District, commune and "lồng ghép" sessions, as the seed counts them (recorded)."""
        parts = [self._session(slug) for slug in LISTENING]
        parts = [p for p in parts if p]
        if not parts:
            return
        self.w.heading(self.t("listening"), 2)
        self.w.paragraph(self.t("listening_text", items="; ".join(parts)))

    def _session(self, slug: str) -> str:
        a = self.c.activity(slug)
        if not a.count:
            return ""
        key = "with_attendance" if a.attendance else "plain"
        return self.l.t(f"stats.docx.session.{slug}.{key}", count=self.l.n(a.count),
                        attendance=self.l.n(a.attendance))

    def _tips(self) -> None:
        c, n, lb = self.c, self.l.n, self.l
        self.w.heading(self.t("tips"), 2)
        offline = self._offline_tips()
        if not c.tips:
            self.w.paragraph(self.t("tips_none"))
            self._offline_tips_table(offline)
            return
        text = self.t("tips_text", tips=n(c.tips), residents=n(c.tips_residents),
                      valuable=n(c.valuable), share=lb.pct(c.valuable, c.tips))
        if c.tips_team:
            text += " " + self.t("tips_team", n=n(c.tips_team))
        if c.tips_moved or c.tips_escalated:
            text += " " + self.t("tips_moved", moved=n(c.tips_moved),
                                 escalated=n(c.tips_escalated))
        self.w.paragraph(text)
        rows = [[lb.category(g.category), g.tips, g.residents, g.team, g.valuable,
                 lb.pct(g.valuable, g.tips)] for g in self.f.categories]
        rows.append([self.t("total"), c.tips, c.tips_residents, c.tips_team, c.valuable,
                     lb.pct(c.valuable, c.tips)])
        self.w.table([self.t("col.category"), self.t("col.tips"), self.t("col.residents"),
                      self.t("col.team"), self.t("col.valuable"), self.t("col.share")], rows,
                     [5, 2, 2.5, 2.5, 2, 2])
        self._offline_tips_table(offline)

    def _offline_tips(self) -> list:
        """Tips received outside the bot, as the units recorded them (phone, in person, MTTQ)."""
        return [(slug, self.c.activity(slug)) for slug in TIP_CATEGORIES
                if self.c.activity(slug).count]

    def _offline_tips_table(self, offline: list) -> None:
        if not offline:
            return
        lb = self.l
        count = sum(a.count for _, a in offline)
        valuable = sum(a.succeeded for _, a in offline)
        self.w.paragraph(self.t("offline_tips", n=lb.n(count), valuable=lb.n(valuable),
                                share=lb.pct(valuable, count)))
        rows = [[lb.activity(slug), a.count, a.succeeded, lb.pct(a.succeeded, a.count),
                 self.t(f"source.{RECORDED}")] for slug, a in offline]
        self.w.table([self.t("col.item"), self.t("col.tips"), self.t("col.valuable"),
                      self.t("col.share"), self.t("col.source")], rows, [6, 2, 2.5, 2, 3.5])

    def _teams(self) -> None:
        """The roster the units imported (recorded) next to the teams in the bot (counted)."""
        c, n = self.c, self.l.n
        self.w.heading(self.t("teams"), 2)
        if not (c.teams or c.team_members or c.roster_teams):
            self.w.paragraph(self.t("teams_none"))
            return
        parts = []
        if c.roster_teams:
            parts.append(self.t("teams_roster", scope=self.place(), teams=n(c.roster_teams),
                                members=n(c.roster_members)))
        if c.teams or c.team_members:
            key = "teams_bot" if c.roster_teams else "teams_text"
            parts.append(self.t(key, scope=self.place(), teams=n(c.teams),
                                members=n(c.team_members)))
        if c.team_reports:
            parts.append(self.t("team_reports", n=n(c.team_reports)))
        self.w.paragraph(" ".join(parts))
        if c.roster_teams:
            self.w.table([self.t("col.item"), self.t("col.roster"), self.t("col.in_bot")],
                         [[self.t("row.teams"), c.roster_teams, c.teams],
                          [self.t("row.members"), c.roster_members, c.team_members]],
                         [6, 5, 5])

    def _models(self) -> None:
        """III.6: models and mass self-management organisations, as recorded."""
        models, groups = (self.c.activity(slug).count for slug in STANDING)
        if not (models or groups):
            return
        self.w.heading(self.t("models"), 2)
        self.w.paragraph(self.t("models_text", scope=self.place(), models=self.l.n(models),
                                groups=self.l.n(groups)))

    def _units(self) -> None:
        units = [u for u in self.f.units if u.depth > 0] or self.f.units
        if len(units) < 2:
            return
        self.w.heading(self.t("units"), 2)
        rows = [[u.name, u.bulletins, u.counts.delivered, u.counts.tips, u.counts.valuable,
                 u.counts.teams, u.counts.team_members] for u in units]
        self.w.table([self.t("col.unit"), self.t("col.bulletins"), self.t("col.delivered"),
                      self.t("col.tips"), self.t("col.valuable"), self.t("col.teams"),
                      self.t("col.members")], rows, [4.5, 1.8, 2.2, 1.8, 1.9, 1.8, 2])

    def _sources(self) -> None:
        self.w.heading(self.t("sources"), 2)
        self.w.paragraph(self.t("sources_text"), italic=True)
