"""`python -m bot broadcast send|list|status|pause|resume|cancel`: the same rules as the chat.

A bulletin stored here is started by the running bot's scheduler (the database is the source of
truth), so the CLI needs no channel token. Problems print in the default language (exit 1).
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from bot.broadcasting.context import broadcast_channels
from broadcasts.commands import (ChangeBroadcast, DraftRefused, ScheduleBroadcast,
                                 change_broadcast, schedule_broadcast)
from broadcasts.links import InLanguage
from broadcasts.model import Action, Audience, Draft, Status
from broadcasts.problems import BadPhoto, BulletinProblem, UnknownBroadcast
from broadcasts.problems import MalformedRecurrence
from broadcasts.recurrence import to_vietnam_time
from broadcasts.recurrence_words import RecurrenceWords, describe_recurrence, read_typed_recurrence
from broadcasts.status import problem_text, status_text
from broadcasts.when import local_text
from handlers.library import bulletin_text

MAX_PHOTO_BYTES = 10 * 1024 * 1024      # Telegram's limit for an uploaded photo
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def add_arguments(name: str, commands) -> None:
    group = commands.add_parser(name, help="send and manage warning bulletins")
    actions = group.add_subparsers(dest="action", required=True)
    send = actions.add_parser("send", help="store a bulletin; the running bot sends it")
    send.add_argument("--topic", action="append", required=True, help="topic slug (repeatable)")
    where = send.add_mutually_exclusive_group(required=True)
    where.add_argument("--unit", action="append", help="commune slug (repeatable)")
    where.add_argument("--all", action="store_true", help="every commune")
    what = send.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="the bulletin's text")
    what.add_argument("--bulletin", type=int, help="id of a library bulletin")
    send.add_argument("--at", type=_moment, help="start, ISO 8601 (default: now)")
    send.add_argument("--expires", type=_moment, help="expiry, ISO 8601 (default: 24 h later)")
    send.add_argument("--repeat", help="recurrence (Vietnam time), e.g. weekly:mon@08:00, or "
                                        "typed as in the chat in the default language")
    send.add_argument("--audience", choices=[a.value for a in Audience],
                      default=Audience.RESIDENTS.value)
    send.add_argument("--photo", help="an image file or an https:// link")
    send.add_argument("--urgent", action="store_true",
                      help="allow a paid broadcast (needs BOT_BROADCAST_ALLOW_PAID=true)")
    actions.add_parser("list", help="recent bulletins")
    for action in ("status", "pause", "resume", "cancel"):
        actions.add_parser(action, help=f"{action} one bulletin").add_argument("id", type=int)


def _moment(text: str) -> datetime:
    try:
        return to_vietnam_time(datetime.fromisoformat(text))   # naive = Vietnam time
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None


async def handle(app, args: argparse.Namespace) -> None:
    t = partial(app.catalog.t, app.catalog.default)
    try:
        if args.action == "send":
            await _send(app, args, t)
        elif args.action == "list":
            await _list(app, t)
        elif args.action == "status":
            print(status_text(t, await _get(app, args.id),
                              reach_hours=app.settings.zalo_reply_window_hours))
        else:
            await _change(app, args.id, Action(args.action))
    except BulletinProblem as problem:
        sys.exit(problem_text(t, problem))


async def _send(app, args: argparse.Namespace, t) -> None:
    now = datetime.now(timezone.utc)
    async with app.uow() as uow:
        draft = Draft(text=args.text or "", topics=args.topic, all_units=args.all,
                      audience=Audience(args.audience), start=args.at, expires=args.expires,
                      recurrence=_rule(args.repeat, t), photo=_photo(args.photo), allow_paid=args.urgent)
        draft.unit_ids = await _unit_ids(uow, args.unit or [])
        if args.bulletin is not None:
            draft.text = await _library_text(app, uow, args.bulletin)
            draft.bulletin_id = args.bulletin
        try:
            scheduled = await schedule_broadcast(ScheduleBroadcast(draft, now), uow)
        except DraftRefused as refused:
            sys.exit("\n".join(problem_text(t, p) for p in refused.problems))
        count = await uow.broadcasts.count_recipients(
            draft.topics, draft.unit_ids, draft.all_units, draft.audience.value,
            broadcast_channels(app.settings))
        await uow.commit()
    print(f"broadcast #{scheduled.broadcast_id} scheduled: starts {local_text(scheduled.start)}, "
          f"expires {local_text(scheduled.expires)}, {count} recipients now")


async def _unit_ids(uow, slugs: list[str]) -> list[int]:
    ids = []
    for slug in slugs:
        unit = await uow.units.by_slug(slug)
        if unit is None:
            sys.exit(f"unknown unit: {slug} (see `python -m bot units list`)")
        ids.append(unit.id)
    return ids


async def _library_text(app, uow, bulletin_id: int) -> str:
    bulletin = await uow.bulletins.by_id(bulletin_id)
    if bulletin is None:
        sys.exit(f"unknown library bulletin: {bulletin_id}")
    return bulletin_text(InLanguage(app.catalog), bulletin)


def _photo(ref: str | None) -> str | None:
    """A link as it is; a local image file by its absolute path (uploaded once when sending)."""
    if ref is None or ref.startswith(("http://", "https://")):
        return ref
    path = Path(ref).expanduser().resolve()
    if not path.is_file() or path.suffix.lower() not in PHOTO_SUFFIXES:
        raise BadPhoto(f"{ref}: not a .jpg, .png or .webp file")
    if path.stat().st_size > MAX_PHOTO_BYTES:
        raise BadPhoto(f"{ref}: larger than 10 MB")
    return str(path)


async def _get(app, broadcast_id: int):
    async with app.uow() as uow:
        view = await uow.broadcasts.get(broadcast_id)
    if view is None or view.status == Status.DRAFT.value:
        raise UnknownBroadcast(broadcast_id)
    return view


async def _list(app, t) -> None:
    async with app.uow() as uow:
        views = await uow.broadcasts.recent(30)
        slugs = {u.id: u.slug for u in await uow.units.all()}
    if not views:
        print(t("broadcast.list_empty"))
    for v in views:
        where = "all" if v.all_units else ",".join(slugs.get(u, str(u)) for u in v.unit_ids)
        print(f"#{v.id:<5} {v.status:<10} {local_text(v.start_at)}  sent {v.sent}/{v.total}  "
              f"failed {v.failed}  blocked {v.blocked}  topics {','.join(v.topics)}  "
              f"units {where}{_repeats(v.recurrence, t)}")


def _rule(typed: str | None, t) -> str | None:
    """--repeat as the stored grammar ("weekly:mon@08:00") or as officers say it ("thứ hai
    hằng tuần 08:00"); a rule that is neither is refused by the scheduling use case."""
    if not typed or "@" in typed:
        return typed
    rule = read_typed_recurrence(typed, RecurrenceWords.of(t))
    if rule is None:
        raise MalformedRecurrence(typed, "not a rule")
    return str(rule)


def _repeats(rule: str | None, t) -> str:
    return f"  🔁 {describe_recurrence(rule, t)}" if rule else ""


async def _change(app, broadcast_id: int, action: Action) -> None:
    """Raises UnknownBroadcast, AlreadyFinished or WrongState (printed by handle)."""
    async with app.uow() as uow:
        target = await change_broadcast(
            ChangeBroadcast(broadcast_id, action, datetime.now(timezone.utc)), uow)
        await uow.commit()
    print(f"broadcast #{broadcast_id}: {target.value}")
