"""A broadcast paused or cancelled after its rows were claimed stops within the gate's delay."""
from __future__ import annotations

import asyncio

from delivery.gate import RunningGate


async def test_a_paused_broadcast_gives_its_claimed_rows_back(make_drain, outbox, sender, clock):
    outbox.add_many([f"a{n}" for n in range(30)], broadcast_id=1)
    outbox.add_many([f"b{n}" for n in range(10)], broadcast_id=2)
    running = {1, 2}

    async def fetch() -> set[int]:
        return set(running)

    drain = make_drain(rate=10, batch_size=40, gate=RunningGate(fetch, clock, max_age=0.5))
    sender.latency = 0.05

    async def pause_first_after_a_second() -> None:
        await clock.sleep(1.0)
        running.discard(1)

    pauser = asyncio.create_task(pause_first_after_a_second())
    await drain.run_once()
    await pauser
    first = [r for r in outbox.rows.values() if r.broadcast_id == 1]
    sent_first = [r for r in first if r.state == "sent"]
    assert 0 < len(sent_first) <= 16                 # about 1.5 s at 10/s, not all 30
    assert all(r.state in ("sent", "pending") for r in first)
    assert all(r.attempts == 0 for r in first)       # handed back, not a failed attempt
    assert {r.state for r in outbox.rows.values() if r.broadcast_id == 2} == {"sent"}
    assert drain.stats.withheld == len(first) - len(sent_first)
