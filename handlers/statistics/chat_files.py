"""After a /thongke summary: the same report as a Word document, a spreadsheet or a PDF, in chat.

Telegram takes every file, a Zalo OA Word and PDF files (its upload takes no spreadsheet), and
the console saves them on the officer's machine; the Zalo Bot Platform takes no files. A format
the channel cannot deliver gets the command that makes the file instead, so nobody waits for a
file that cannot come."""
from __future__ import annotations

from datetime import date

from handlers.dialogue import Turn, option
from handlers.messages import Document, Message
from handlers.statistics.access import leave, may_see
from handlers.statistics.labels import Labels
from handlers.statistics.period import Period
from handlers.ports import ReportFile
from handlers.statistics.tree import UnknownUnit

FORMATS = ("docx", "xlsx", "pdf")
# What each channel's adapter delivers as a file (Message.document).
CHANNEL_FORMATS = {"telegram": FORMATS, "console": FORMATS, "zalo_oa": ("docx", "pdf")}


def remember(turn: Turn, slug: str | None, period: Period) -> None:
    """Stay on the files screen with the report's unit and period."""
    turn.go("stats_files", unit=slug, start=period.start.isoformat(),
            end=period.end.isoformat(), kind=period.kind)


def _period(data: dict) -> Period:
    return Period(date.fromisoformat(data["start"]), date.fromisoformat(data["end"]),
                  data.get("kind", "custom"))


class FilesScreen:
    step = "stats_files"

    def __init__(self, report_file: ReportFile | None) -> None:
        self._file = report_file

    async def render(self, turn: Turn) -> Message:
        rows = [(option(self.step, fmt, turn.t(f"stats.files.{fmt}")),) for fmt in FORMATS]
        # "Xong" leaves the screen: its key is the way back, so no extra "main menu" is added
        # and a typed "quay lại" / "0" picks it too.
        rows.append((option(self.step, "back", turn.t("stats.files.done")),))
        return Message(text=turn.t("stats.files.prompt"), buttons=tuple(rows))

    async def choose(self, turn: Turn, key: str) -> None:
        data = dict(turn.state.data)
        turn.reply.edit = False        # keep the offer on screen: the other file may follow
        if key not in FORMATS or self._file is None:
            await leave(turn)
            return
        if not await may_see(turn, data.get("unit")):
            await leave(turn, "stats.refused_unit")
            return
        period = _period(data)
        if key not in CHANNEL_FORMATS.get(turn.inbound.channel, ()):
            turn.say(turn.t("stats.files.not_here", command=_command(key, data)))
            return
        try:
            figures = await turn.uow.statistics.figures(period, data.get("unit"))
        except UnknownUnit:
            await leave(turn, "stats.unit.unknown", unit=data.get("unit"))
            return
        labels = Labels(turn.catalog, turn.lang)
        body, name = await self._file(figures, labels, key)
        caption = turn.t(f"stats.files.caption.{key}", period=labels.period(period))
        turn.reply.messages.append(Message(text=caption, document=Document(body, name)))

    async def free_text(self, turn: Turn, text: str) -> bool:
        return False


def _command(fmt: str, data: dict) -> str:
    unit = f" --unit {data['unit']}" if data.get("unit") else ""
    return f"python -m bot report --from {data['start']} --to {data['end']}{unit} --format {fmt}"
