"""What the library lists: bulletins sent to the person's commune, then the shipped library;
titles shortened for a phone; accent-insensitive search."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from handlers.dialogue import Turn
from handlers.domain import Bulletin, Role, SentBulletin
from handlers.text import fold, shorten

VIETNAM = timezone(timedelta(hours=7))
LABEL_CHARS = 48                    # what a phone shows of a one-column button
SENT_DAYS = 60                      # how far back "latest warnings" looks for sent bulletins
LIST_LIMIT = 30
LATEST = "*"                        # the 'topic' of the latest-warnings list
SEARCH = "?"                        # the 'topic' of a search's results


@dataclass(frozen=True)
class Entry:
    """One line of a list: a sent bulletin ("s.<broadcast id>") or a library one ("b.<id>")."""

    key: str
    title: str
    day: date
    sent: bool = False


def headline(title: str, limit: int = LABEL_CHARS) -> str:
    """A title that fits a button without losing what it is about: the clause before ':' or
    '?' when it says enough (the library writes its key words first), else the first and the
    last words with '…' between (a warning's object is often at its end), cut between words."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    for mark in (": ", "? "):
        head, found, _ = title.partition(mark)
        if found and len(head) <= limit and len(head.split()) >= 3:
            return head + mark.strip().replace(":", "")
    return _middle_cut(title.split(), limit)


def _middle_cut(words: list[str], limit: int) -> str:
    head: list[str] = []
    while words and len(" ".join(head + words[:1])) <= limit * 0.55:
        head.append(words.pop(0))
    tail: list[str] = []
    while words and len(" ".join(head + ["…"] + words[-1:] + tail)) <= limit:
        tail.insert(0, words.pop())
    if not head:                          # one very long word: cut it
        return shorten(" ".join(words), limit)
    return " ".join(head + (["…"] if words else []) + tail)


def sent_title(item: SentBulletin) -> str:
    """A sent bulletin's title: the library's, else its first line."""
    first = next((line.strip() for line in item.text.splitlines() if line.strip()), "")
    return item.title or first


def local_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def audiences(turn: Turn) -> tuple[str, ...]:
    member = turn.member
    if member is not None and member.role is Role.TEAM_MEMBER:
        return ("residents", "team", "both")
    return ("residents", "both")


async def person_topics(turn: Turn) -> set[str]:
    return set(turn.subscriber.topics) or set(await turn.uow.topics.active())


async def sent_to_person(turn: Turn) -> list[SentBulletin]:
    """Bulletins sent to the person's commune and topics in the last SENT_DAYS, newest first."""
    since = datetime.now(timezone.utc) - timedelta(days=SENT_DAYS)
    unit_id = turn.member.unit_id if turn.member and not turn.subscriber.unit_id \
        else turn.subscriber.unit_id
    return await turn.uow.bulletins.sent_to(unit_id, await person_topics(turn), audiences(turn),
                                            since, LIST_LIMIT)


def sent_entry(item: SentBulletin) -> Entry:
    return Entry(f"s.{item.id}", sent_title(item), local_day(item.sent_at), sent=True)


def library_entry(item: Bulletin) -> Entry:
    return Entry(f"b.{item.id}", item.title, item.published)


async def latest_entries(turn: Turn) -> list[Entry]:
    """What was sent to the person first (newest first), then the library's latest."""
    sent = [sent_entry(item) for item in await sent_to_person(turn)]
    library = await turn.uow.bulletins.latest(await person_topics(turn), LIST_LIMIT)
    return sent + [library_entry(item) for item in library]


async def search_entries(turn: Turn, query: str) -> list[Entry]:
    """Bulletins whose title or text holds every typed word, with or without accents."""
    words = fold(query).split()
    if not words:
        return []

    def hit(*texts: str) -> bool:
        folded = f" {fold(' '.join(texts))} "
        return all(f" {word}" in folded for word in words)

    sent = [sent_entry(s) for s in await sent_to_person(turn) if hit(s.title, s.text)]
    library = [library_entry(b) for b in await turn.uow.bulletins.everything()
               if hit(b.title, b.body, b.issuer)]
    return sent + sorted(library, key=lambda e: e.day, reverse=True)


def label(entry: Entry) -> str:
    """A list line: a sent bulletin starts with 📢 and its day, so the new ones stand out."""
    if entry.sent:
        return f"📢 {entry.day.strftime('%d/%m')} · {headline(entry.title, LABEL_CHARS - 9)}"
    return headline(entry.title)
