"""Property test: whatever a person types or a forged client sends, on every screen, the turn
is answered without an unhandled exception and leaves a state the dialogue knows.

The screens come from walking the real bot (tests/fakes/explorer.py) as a resident, a team
member and an administrator; hypothesis then restores one of those screens and sends random
Unicode text, digits of every script, huge and negative numbers, empty and 5,000-character
strings, commands with odd arguments, media, locations and random callback data up to 64 bytes.
"""
from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.domain import Role
from handlers.messages import Attachment, Inbound, Kind
from tests.fakes.explorer import Snapshot, explore, make_member, restore, send, state_of

PEOPLE = {  # who, and how many turns the walk may take from each command
    "resident": (None, {"thuvien": 25, "caidat": 60, "huy": 3, "ngonngu": 3, "tobao": 100}),
    "team": (Role.TEAM_MEMBER, {"baocao": 50}),
    "admin": (Role.ADMIN, {"tinbao": 90, "thongke": 40, "ghinhan": 40, "phatcanhbao": 60}),
}
COMMANDS = ["start", "menu", "tobao", "tracuu", "ketthuc", "huy", "caidat", "thuvien",
            "canhbao", "tinbao", "thongke", "ghinhan", "phatcanhbao", "moi", "thamgia",
            "dangkynhom", "nosuchcommand"]
ACTION_PREFIXES = ("tip:", "tipr:")     # buttons that work from any screen (re-checked there)
_WALKS: dict[int, tuple[object, list[Snapshot]]] = {}   # id -> (the app itself, its walk)

digits = st.characters(categories=("Nd", "No"))
numbers = st.integers(-10**40, 10**40).map(str)
long_text = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(4990, 5000))
words = st.sampled_from(["", " ", "0", "1", "99", "xong", "menu", "quay lại", "thoát", "co",
                         "lua dao", "ngoc chua", "①", "²", "٣", "３", "-1", "1e9", "\x00",
                         "‮", "🏠 Menu chính", "/start", "tin"])
texts = st.one_of(st.text(max_size=40), st.text(digits, min_size=1, max_size=12), numbers,
                  long_text, words)


def payload_of(prefix: str, rest: str) -> str:
    raw = f"{prefix}{rest}".encode()[:64]
    return raw.decode("utf-8", "ignore")


payloads = st.one_of(
    st.binary(max_size=64).map(lambda b: b.decode("utf-8", "replace")[:64]),
    st.builds(payload_of, st.sampled_from(["tip:view:", "tip:take:", "tip:inbox:", "tip:ask:",
                                           "tip:outcome:1:", "tipr:", "commune:p.", "lib_list:b.",
                                           "main:", "topics:t.", "settings:", ":"]),
              st.one_of(numbers, st.text(digits, max_size=8), st.text(max_size=20))))


@st.composite
def inbounds(draw, user_id: str) -> Inbound:
    kind = draw(st.sampled_from([Kind.TEXT, Kind.TEXT, Kind.BUTTON, Kind.COMMAND, Kind.MEDIA,
                                 Kind.LOCATION, Kind.EDITED]))
    base = dict(channel="test", user_id=user_id, kind=kind)
    if kind is Kind.BUTTON:
        return Inbound(**base, payload=draw(payloads))
    if kind is Kind.COMMAND:
        command, args = draw(st.sampled_from(COMMANDS)), draw(texts)
        return Inbound(**base, command=command, args=args, text=f"/{command} {args}")
    if kind is Kind.MEDIA:
        size = draw(st.one_of(st.none(), st.integers(-1, 10**12)))
        return Inbound(**base, media="photo", text=draw(texts)[:100],
                       attachments=(Attachment("photo", draw(st.text(max_size=20)), size),))
    if kind is Kind.LOCATION:
        point = st.floats(allow_nan=True, allow_infinity=True)
        return Inbound(**base, location=(draw(point), draw(point)))
    return Inbound(**base, text=draw(texts))


async def walks(app) -> list[Snapshot]:
    """Every screen reached, once per test (the examples share the walk)."""
    cached = _WALKS.get(id(app))
    if cached is None or cached[0] is not app:      # an id is reused once an app is gone
        await send(app, "resident", Kind.COMMAND, command="start", text="/start")
        await send(app, "resident", Kind.TEXT, text="cao thuong")
        await send(app, "resident", Kind.TEXT, text="xong")
        snapshots: list[Snapshot] = []
        for who, (role, commands) in PEOPLE.items():
            if role is not None:
                await make_member(app, who, role, "cao-thuong" if role is Role.TEAM_MEMBER
                                  else None)
            snapshots += [s for s in (await explore(app, who, commands)).values()
                          if app.dialogue.screen(s.state.step) is not None]   # not "new"
        _WALKS[id(app)] = (app, sorted(snapshots, key=lambda s: (s.user_id, s.state.step)))
    return _WALKS[id(app)][1]


EXPECTED = {"commune", "topics", "main", "settings", "language", "unsubscribe", "lib_topics",
            "lib_list", "lib_read", "tip_safety", "tip_category", "tip_place", "tip_commune",
            "tip_text", "tip_media", "tip_contact", "tip_confirm", "tip_leave", "tip_lookup", "team_place",
            "team_time", "tip_ask", "tip_note", "tip_move", "tip_dup", "stats_period",
            "stats_range", "stats_unit", "act_category", "act_date", "act_count", "act_note",
            "act_confirm", "bc_start", "bc_photo", "bc_topics", "bc_units", "bc_lib_topics",
            "bc_lib_list"}


def check_reply(reply) -> None:
    assert reply.messages or reply.notice, "the person got no answer"
    for message in reply.messages:
        assert isinstance(message.text, str) and message.text.strip()
        for button in message.numbered():
            assert len(button.payload.encode()) <= 64, button.payload


async def check_state(app, before: Snapshot, inbound: Inbound) -> None:
    state = await state_of(app, before.user_id)
    assert state is not None
    assert state.step in {"new", "main"} or app.dialogue.screen(state.step) is not None, state
    json.dumps(state.data)
    forged = inbound.kind is Kind.BUTTON and inbound.payload not in before.offered
    if forged and not inbound.payload.startswith(ACTION_PREFIXES):
        assert state == before.state, f"a forged button changed the state: {inbound.payload!r}"


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
async def test_no_input_on_any_screen_breaks_a_turn(app, data):
    screens = await walks(app)
    assert {s.state.step for s in screens} >= EXPECTED, "the walk missed screens"
    snapshot = data.draw(st.sampled_from(screens), label="screen")
    inbound = data.draw(inbounds(snapshot.user_id), label="inbound")
    if inbound.location and not all(map(math.isfinite, inbound.location)):
        pass        # channels never send these, but nothing must break if one did
    await restore(app, snapshot)
    reply = await app.dialogue.handle(inbound)
    check_reply(reply)
    await check_state(app, snapshot, inbound)
