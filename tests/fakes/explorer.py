"""Walks every screen a person can reach by pressing buttons, and remembers how each looked.

The hostile-input tests restore one of these snapshots, feed something odd, and check that the
turn was answered and left the conversation in a state the dialogue knows."""
from __future__ import annotations

from dataclasses import dataclass

from handlers.domain import DialogueState, Member, Role
from handlers.messages import Inbound, Kind, Reply

# What a person might plausibly type at a step that waits for words, a date or a number.
PROBES = ("Có người buôn bán ma túy ở bãi sông tối qua", "cao thuong", "1", "14:30",
          "01/01/2025 - 31/03/2025", "120", "6h", "Nguyễn Văn An")
# Buttons that would end the walk early or change who the person is.
AVOID = ("unsubscribe:yes", "language:en")


@dataclass(frozen=True)
class Snapshot:
    """A screen as a person saw it: the state, and the payloads its buttons carried."""

    user_id: str
    state: DialogueState
    offered: frozenset[str]


async def make_member(app, user_id: str, role: Role, unit: str | None = "cao-thuong") -> None:
    async with app.uow() as uow:
        unit_row = await uow.units.by_slug(unit) if unit else None
        await uow.members.save(Member(channel="test", user_id=user_id, role=role,
                                      unit_id=unit_row.id if unit_row else None, name="Thử"))
        await uow.commit()


async def send(app, user_id: str, kind: Kind, **fields) -> Reply:
    return await app.dialogue.handle(Inbound(channel="test", user_id=user_id, kind=kind,
                                             **fields))


async def state_of(app, user_id: str) -> DialogueState | None:
    async with app.uow() as uow:
        return await uow.dialogues.get("test", user_id)


async def restore(app, snapshot: Snapshot) -> None:
    async with app.uow() as uow:
        await uow.dialogues.put("test", snapshot.user_id, snapshot.state)
        await uow.commit()


def offered(reply: Reply) -> frozenset[str]:
    return frozenset(b.payload for m in reply.messages for b in m.numbered())


async def explore(app, user_id: str, commands: list[str], budget: int = 120) -> dict[str, Snapshot]:
    """The first snapshot of every step reached from the given commands, breadth first."""
    seen: dict[str, Snapshot] = {}
    frontier: list[tuple[Snapshot | None, Inbound]] = [
        (None, Inbound("test", user_id, Kind.COMMAND, command=c, text=f"/{c}")) for c in commands]
    while frontier and budget > 0:
        origin, inbound = frontier.pop(0)
        budget -= 1
        if origin is not None:
            await restore(app, origin)
        reply = await app.dialogue.handle(inbound)
        state = await state_of(app, user_id)
        if state is None or state.step in seen:
            continue
        snap = Snapshot(user_id, state, offered(reply))
        seen[state.step] = snap
        frontier += [(snap, Inbound("test", user_id, Kind.BUTTON, payload=p))
                     for p in sorted(snap.offered) if p not in AVOID]
        frontier += [(snap, Inbound("test", user_id, Kind.TEXT, text=t)) for t in PROBES]
    return seen
