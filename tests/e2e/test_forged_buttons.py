"""Forged or stale button presses and odd typed numbers: answered politely, nothing changes."""
from __future__ import annotations

import pytest

from handlers.domain import Role
from handlers.messages import Kind
from tests.fakes.explorer import make_member, state_of
from tests.fakes.resident import Resident

FORGED = ["tip:view:①", "tip:view:²", "tip:view:" + "9" * 30, "tip:take:-1", "tip:inbox:①",
          "tip:inbox:" + "9" * 40, "tipr:①:abc", "tipr:" + "9" * 30 + ":x", "tipr:",
          "lib_list:b.①", "lib_list:b." + "9" * 30, "commune:p.99", "main:x", "tip:", ":",
          "", "x" * 64, "tip:outcome:1:①"]


@pytest.mark.parametrize("role", [None, Role.ADMIN])
async def test_forged_buttons_are_refused_and_change_nothing(app, role):
    r = Resident(app, "forger")
    await r.onboard()
    if role is not None:
        await make_member(app, "forger", role, None)
    before = await state_of(app, "forger")
    for payload in FORGED:
        reply = await r.send(Kind.BUTTON, payload=payload)
        assert reply.notice, payload
        assert await state_of(app, "forger") == before, payload


@pytest.mark.parametrize("typed", ["①", "²", "9" * 30, "-1", "9" * 5000, "3.5"])
async def test_odd_numbers_typed_on_the_main_menu_get_an_answer(app, typed):
    r = Resident(app, "typist")
    await r.onboard()
    reply = await r.type(typed)
    assert reply.messages, typed
    assert (await state_of(app, "typist")).step == "main"


@pytest.mark.parametrize("typed", ["٣", "３", "3.", "#3"])
async def test_digits_of_other_scripts_choose_like_ascii_digits(app, typed):
    r = Resident(app, "typist")
    await r.onboard()
    await r.type("3")
    expected = await state_of(app, "typist")
    await r.command("menu")
    await r.type(typed)
    assert await state_of(app, "typist") == expected
