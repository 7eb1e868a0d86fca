"""Walks every screen a person can reach by pressing buttons, and remembers how each looked.

The hostile-input tests restore one of these snapshots, feed something odd, and check that the
turn was answered and left the conversation in a state the dialogue knows."""
from __future__ import annotations

from dataclasses import dataclass, replace

from handlers.domain import DialogueState, Member, Role
from handlers.messages import Inbound, Kind, Reply

# What a person might plausibly type at a step that waits for words, a date or a number.
PROBES = ("Có người buôn bán ma túy ở bãi sông tối qua", "cao thuong", "1", "14:30",
          "01/01/2025 - 31/03/2025", "01/05/2025", "120", "6h", "Nguyễn Văn An",
          "🔎 Tra cứu tin báo", "Cảnh báo lừa đảo\nKhông bấm vào đường link lạ gửi qua tin nhắn.")
# Buttons that would end the walk early or change who the person is.
AVOID = ("unsubscribe:yes", "language:en")


@dataclass(frozen=True)
class Snapshot:
    """A screen as a person saw it: the state, and the payloads its buttons carried."""

    user_id: str
    state: DialogueState
    offered: frozenset[str]


async def make_member(app, user_id: str, role: Role, unit: str | None = "cao-thuong",
                      channel: str = "test") -> None:
    async with app.uow() as uow:
        unit_row = await uow.units.by_slug(unit) if unit else None
        await uow.members.save(Member(channel=channel, user_id=user_id, role=role,
                                      unit_id=unit_row.id if unit_row else None, name="Thử"))
        await uow.commit()


async def send(app, user_id: str, kind: Kind, **fields) -> Reply:
    return await app.dialogue.handle(Inbound(channel="test", user_id=user_id, kind=kind,
                                             **fields))


async def state_of(app, user_id: str, channel: str = "test") -> DialogueState | None:
    async with app.uow() as uow:
        return await uow.dialogues.get(channel, user_id)


async def restore(app, snapshot: Snapshot, channel: str = "test") -> None:
    async with app.uow() as uow:
        await uow.dialogues.put(channel, snapshot.user_id, snapshot.state)
        await uow.commit()


def offered(reply: Reply) -> frozenset[str]:
    return frozenset(b.payload for m in reply.messages for b in m.numbered())


def shape(snapshot: Snapshot) -> tuple:
    """A screen's kind: its step and its payloads without numbers (pages, ids)."""
    return snapshot.state.step, frozenset(p.rstrip("0123456789") for p in snapshot.offered)


async def explore(app, user_id: str, commands: dict[str, int], channel: str = "test",
                  heard: list[Reply] | None = None) -> dict[str, Snapshot]:
    """The first snapshot of every step reached from each command, depth first (a tip is sent
    before the walk turns back), with each command's own budget of turns.

    The first time a step is reached it is also given each of PROBES, typed. Every reply is
    added to `heard` when it is given."""
    seen: dict[str, Snapshot] = {}
    shapes: set[tuple] = set()
    for command, budget in commands.items():
        start = Inbound(channel, user_id, Kind.COMMAND, command=command, text=f"/{command}")
        await _walk(app, [(None, start)], budget, seen, shapes,
                    heard if heard is not None else [])
    return seen


async def _walk(app, frontier: list, budget: int, seen: dict, shapes: set,
                heard: list[Reply]) -> None:
    while frontier and budget > 0:
        origin, inbound = frontier.pop()
        budget -= 1
        if origin is not None:
            await restore(app, origin, inbound.channel)
        reply = await app.dialogue.handle(inbound)
        heard.append(reply)
        state = await state_of(app, inbound.user_id, inbound.channel)
        snap = Snapshot(inbound.user_id, state, offered(reply)) if state else None
        if snap is None or shape(snap) in shapes:
            continue
        shapes.add(shape(snap))
        if state.step not in seen:
            frontier += [(snap, replace(inbound, kind=Kind.TEXT, text=t, command="", payload=""))
                         for t in PROBES]
        frontier += [(snap, replace(inbound, kind=Kind.BUTTON, payload=p, text="", command=""))
                     for p in sorted(snap.offered, reverse=True) if p not in AVOID]
        seen.setdefault(state.step, snap)
