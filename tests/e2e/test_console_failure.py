"""The console, in this process: a turn that fails in our code gets a polite answer, the
traceback goes to the log, and the conversation carries on."""
from __future__ import annotations

import io
import logging

from bot.console.chat import chat
from handlers.domain import SubscriberStatus
from storage.repositories.core import SqlDialogues


class Typist(io.StringIO):
    """stdin that arms a fault just before it hands out one chosen line."""

    def __init__(self, lines: list[str], arm_at: int, arm) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))
        self._read, self._arm_at, self._arm = 0, arm_at, arm

    def readline(self, *args) -> str:
        line = super().readline(*args)
        self._read += 1
        if self._read == self._arm_at:
            self._arm()
        return line


async def test_an_unexpected_failure_gets_an_apology_and_the_next_turn_works(app, monkeypatch,
                                                                               caplog):
    failures = []
    original = SqlDialogues.put

    async def put(self, channel, user_id, state):
        if failures:
            failures.pop()
            raise RuntimeError("bug: state column 'step' is secret-internal")
        return await original(self, channel, user_id, state)

    monkeypatch.setattr(SqlDialogues, "put", put)
    # onboarding, then "3" (the library) fails once, then "3" again works
    stdin = Typist(["tt cao thuong", "xong", "3", "3", "/thoat"], arm_at=3,
                   arm=lambda: failures.append(1))
    stdout = io.StringIO()
    with caplog.at_level(logging.ERROR, logger="bot.turns"):
        await chat(app.turns, "crash", stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    apology = app.catalog.t(None, "error.internal")
    assert out.count(apology) == 1
    assert "Đăng ký xong!" in out.split(apology)[0]
    assert "📚 Thư viện bản tin. Chọn một chủ đề" in out.split(apology)[1]   # the next turn
    assert "Traceback" not in out and "secret-internal" not in out and "RuntimeError" not in out
    [logged] = [r for r in caplog.records if r.name == "bot.turns"]
    assert logged.exc_info is not None and "secret-internal" in str(logged.exc_info[1])
    async with app.uow() as uow:
        subscriber = await uow.subscribers.get("console", "crash")
    assert subscriber.status is SubscriberStatus.ACTIVE          # nothing was lost
