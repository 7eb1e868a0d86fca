"""The whole class behind "there is no way back on text channels" (issue 10): on every screen a
resident reaches on the console (walked by tests/fakes/explorer.py), a screen with options
lists a way back, and each of "menu", "0", "quay lại", "trở về", "thoát" (with or without
accents) is understood: never "chưa hiểu", and it leads out, one step back, or to the question
that keeps a half-written tip; a draft with something written is never dropped by it."""
from __future__ import annotations

from handlers.choosing import WAY_BACK, key_of
from handlers.messages import Inbound, Kind
from tests.fakes.explorer import explore, restore, state_of

CHANNEL = "console"
WORDS = ("menu", "0", "quay lại", "quay lai", "trở về", "tro ve", "thoát", "THOAT")
WAY_OUT_KEYS = set(WAY_BACK) | {"all", "again"}     # "all": back from a short commune list


async def resident_screens(app):
    user = "walker"
    for kind, text in ((Kind.COMMAND, "/start"), (Kind.TEXT, "cao thuong"), (Kind.TEXT, "xong")):
        await app.dialogue.handle(Inbound(CHANNEL, user, kind, text=text,
                                          command="start" if kind is Kind.COMMAND else ""))
    return await explore(app, user, {"thuvien": 25, "caidat": 80, "canhbao": 10, "tobao": 110,
                                     "tracuu": 5, "huy": 3}, channel=CHANNEL)


def draft_written(state) -> bool:
    draft = (state.data or {}).get("draft") or {}
    return bool(draft.get("category") or draft.get("text"))


async def test_every_resident_screen_has_a_way_back_that_typed_words_take(app):
    seen = await resident_screens(app)
    assert {"settings", "topics", "commune", "lib_topics", "lib_list", "lib_read", "tip_place",
            "tip_commune", "tip_text", "tip_media", "tip_contact", "tip_confirm",
            "tip_lookup"} <= set(seen)
    for step, snapshot in seen.items():
        if app.dialogue.screen(step) is None:
            continue
        for word in WORDS:
            await restore(app, snapshot, CHANNEL)
            reply = await app.dialogue.handle(Inbound(CHANNEL, snapshot.user_id, Kind.TEXT,
                                                      text=word))
            said = "\n".join(m.text for m in reply.messages)
            assert "chưa hiểu" not in said, (step, word)
            after = await state_of(app, snapshot.user_id, CHANNEL)
            assert after != snapshot.state or step == "main", (step, word, "nothing happened")
            if draft_written(snapshot.state) and step != "tip_leave":
                assert after.step != "main" and "Đã hủy" not in said, (step, word, said)
        await restore(app, snapshot, CHANNEL)
        shown = await app.dialogue.handle(Inbound(CHANNEL, snapshot.user_id, Kind.TEXT,
                                                  text="\u2063"))   # shows the screen again
        keys = {key_of(b) for m in shown.messages for b in m.numbered()}
        if keys and step != "main":
            assert keys & WAY_OUT_KEYS, (step, keys)
