"""OA webhook events -> what the bot does with them (an Inbound, a receipt, a follow change)."""
from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.turns import typed
from handlers.messages import Attachment, Inbound, Kind
from handlers.typed import payload_number

CHANNEL = "zalo_oa"
MEDIA = {"user_send_image": "photo", "user_send_gif": "animation", "user_send_file": "document",
         "user_send_audio": "voice", "user_send_video": "video",
         "user_send_sticker": "sticker", "user_send_link": "link",
         "user_send_business_card": "contact"}
# What a person sends: only the events Zalo documents (an unknown `user_send_*` is ignored, not
# guessed at); gif and business card are in Zalo's own list, not yet in our platform notes.
USER_MESSAGES = frozenset({"user_send_text", "user_send_location", *MEDIA})
RECEIPTS = {"user_received_message": "received", "user_seen_message": "seen"}
MAX_ID = 64
# Events whose attachments are files a tip can keep, and the kind the tip line calls them.
FILES = {"user_send_image": "photo", "user_send_gif": "animation", "user_send_file": "document",
         "user_send_audio": "voice", "user_send_video": "video"}
MAX_FILES = 10            # per event; the tip flow counts and limits them again
MAX_FILE_LINK = 1000      # a Zalo CDN link is a few hundred characters


@dataclass(frozen=True)
class OAEvent:
    """One event we act on. `key` de-duplicates it; `interaction` says it opens the window."""

    name: str
    user_id: str
    key: str
    at: datetime
    inbound: Inbound | None = None
    receipt: tuple[str, tuple[str, ...]] | None = None     # ("received"|"seen", msg_ids)
    unfollow: bool = False

    @property
    def interaction(self) -> bool:
        return self.inbound is not None


def parse_event(body: dict) -> OAEvent | None:
    """The event, or None for what we ignore (unknown names, other senders, broken shapes)."""
    name = str(body.get("event_name", ""))
    at = _time(body.get("timestamp"))
    if name in ("follow", "unfollow"):
        user = _id(body.get("follower")) or _id(body.get("sender"))
        if not user:
            return None
        key = _key(name, user, str(body.get("timestamp", "")))
        if name == "unfollow":
            return OAEvent(name, user, key, at, unfollow=True)
        # A new follower gets the welcome, as /start does on Telegram.
        return OAEvent(name, user, key, at, inbound=_inbound(user, Kind.COMMAND, command="start"))
    if name in RECEIPTS:
        return _receipt(name, body, at)
    if name in USER_MESSAGES:
        return _user_message(name, body, at)
    return None


def _user_message(name: str, body: dict, at: datetime) -> OAEvent | None:
    user = _id(body.get("sender"))
    message = body.get("message")
    if not user or not isinstance(message, dict):
        return None
    msg_id = str(message.get("msg_id") or "")
    if not msg_id:
        return None
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    if name == "user_send_text":
        inbound = typed(text, channel=CHANNEL, user_id=user)
    elif name == "user_send_location":
        inbound = _location(user, message)
    else:
        inbound = _inbound(user, Kind.MEDIA, media=MEDIA[name], text=text,
                           attachments=attachments(name, message))
    return OAEvent(name, user, _key("msg", msg_id), at, inbound=inbound)


def attachments(name: str, message: dict) -> tuple[Attachment, ...]:
    """The files of an image/file/audio/video event, by Zalo's link (or id) to each; an item
    whose shape we do not know is left out rather than guessed at."""
    kind, items = FILES.get(name), message.get("attachments")
    if kind is None or not isinstance(items, list):
        return ()
    found = []
    for item in items[:MAX_FILES]:
        payload = item.get("payload") if isinstance(item, dict) else None
        ref = _ref(payload) if isinstance(payload, dict) else ""
        if ref:
            found.append(Attachment(kind=kind, ref=ref, size=_size(payload.get("size")),
                                    mime=_mime(payload)))
    return tuple(found)


def file_link(value: object) -> str:
    """A file's http(s) link as Zalo gives it (both products), or "" for anything else."""
    if isinstance(value, str) and value.startswith(("https://", "http://")) \
            and len(value) <= MAX_FILE_LINK and not any(ch.isspace() for ch in value):
        return value
    return ""


def _ref(payload: dict) -> str:
    if url := file_link(payload.get("url")):
        return url
    ident = payload.get("attachment_id", payload.get("id"))
    ident = str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else ""
    return ident if 0 < len(ident) <= MAX_ID and ident.isprintable() and " " not in ident else ""


def _size(value: object) -> int | None:
    """Zalo sends a file's size as a string of bytes; anything else is unknown."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    return payload_number(text, 0, 10**15)


def _mime(payload: dict) -> str:
    """From the file name or extension Zalo gives (`name`, `type`: "pdf"), when it gives one."""
    name, ext = payload.get("name"), payload.get("type")
    guess = mimetypes.guess_type(name)[0] if isinstance(name, str) and "." in name else None
    if guess is None and isinstance(ext, str) and ext.isalnum() and len(ext) <= 8:
        guess = mimetypes.guess_type(f"file.{ext}")[0]
    return guess or ""


def _receipt(name: str, body: dict, at: datetime) -> OAEvent | None:
    message = body.get("message")
    if not isinstance(message, dict):
        return None
    ids = message.get("msg_ids")
    ids = ids if isinstance(ids, list) else [message.get("msg_id")]
    msg_ids = tuple(dict.fromkeys(str(i) for i in ids if i))[:100]
    if not msg_ids:
        return None
    # Sources disagree on whether the user is the sender or the recipient of a receipt; the
    # message ids are what count (we look them up), the user id only keeps the order.
    user = _id(body.get("sender")) or _id(body.get("recipient")) or "?"
    key = _key(name, user, str(body.get("timestamp", "")), *msg_ids)
    return OAEvent(name, user, key, at, receipt=(RECEIPTS[name], msg_ids))


def _location(user: str, message: dict) -> Inbound:
    """Zalo puts coordinates in attachments[].payload.coordinates; other shapes have been seen."""
    for attachment in message.get("attachments") or []:
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if isinstance(payload, dict):
            point = _point(payload.get("coordinates")) or _point(payload)
            if point:
                return _inbound(user, Kind.LOCATION, location=point)
    return _inbound(user, Kind.MEDIA, media="location")


def _point(value: object) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    try:
        lat = float(value.get("latitude", value.get("lat")))
        lon = float(value.get("longitude", value.get("long", value.get("lng"))))
    except (TypeError, ValueError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _inbound(user: str, kind: Kind, **fields: object) -> Inbound:
    return Inbound(channel=CHANNEL, user_id=user, kind=kind, **fields)


def _id(holder: object) -> str:
    value = holder.get("id") if isinstance(holder, dict) else None
    text = str(value) if isinstance(value, (str, int)) else ""
    return text if 0 < len(text) <= MAX_ID else ""


def _key(*parts: str) -> str:
    """A processed_updates id of at most 64 characters (Zalo ids are kept as strings)."""
    joined = ":".join(parts)
    return joined if len(joined) <= MAX_ID else hashlib.sha256(joined.encode()).hexdigest()


def _time(value: object) -> datetime:
    now = datetime.now(timezone.utc)
    try:
        at = datetime.fromtimestamp(int(value) / 1000, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(at, now)      # a clock ahead of ours must not stretch the window
