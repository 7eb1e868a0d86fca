"""'Bỏ tin báo đang viết?': asked when a typed "menu", "thoát" or "0", a command, a menu item
or a button from elsewhere would leave a tip or a team report with something already written.
Keeping it goes back to the step as it was; giving it up does what was asked for (or shows the
main menu). The question is dialogue state like the draft, so it survives a restart."""
from __future__ import annotations

from handlers.dialogue import Turn, option
from handlers.messages import Message
from handlers.tips.domain import TipDraft
from handlers.tips.steps import LEAVE, TipStep, abandon, resume, tip_t


class LeaveScreen(TipStep):
    step = LEAVE

    async def render(self, turn: Turn) -> Message:
        return Message(text=tip_t(turn, "tip.leave_ask"), buttons=(
            (option(self.step, "back", tip_t(turn, "tip.leave_keep")),),
            (option(self.step, "discard", tip_t(turn, "tip.leave_discard")),)))

    async def act(self, turn: Turn, key: str, draft: TipDraft) -> None:
        then = turn.state.data.get("then")
        if key == "discard" and then and turn.router is not None:
            await abandon(turn, show=False)
            await turn.router.follow(turn, then)
            return
        if key == "discard":
            await abandon(turn)
            return
        resume(turn)          # "back" (or a typed "menu", "0" again): nothing is discarded
        await turn.show()

    async def step_back(self, turn: Turn) -> bool:
        return False          # "quay lại" here means keep writing: the "back" option

    async def leave(self, turn: Turn) -> bool:
        return False

    async def leave_for(self, turn: Turn, then: dict[str, str]) -> bool:
        """Asked for something else while asked this: the same question, for that."""
        turn.state.data["then"] = then
        await turn.show()
        return True
