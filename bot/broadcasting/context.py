"""What the broadcast screens need from the deployment, built from the settings."""
from __future__ import annotations

from broadcasts.flow import BroadcastContext
from config.settings import Settings


def broadcast_channels(settings: Settings) -> list[str]:
    """Channels whose subscribers a fan-out reaches: those with a sender (a drain) here. The
    console always has one: its inbox is a file (bot.console.inbox)."""
    channels = ["console"]
    if settings.telegram_token is not None:
        channels.append("telegram")
    if settings.zalo_oa_enabled:       # issue 6: one drain per configured Zalo product
        channels.append("zalo_oa")
    if settings.zalo_bot_enabled:
        channels.append("zalo_bot")
    return channels


def broadcast_context(settings: Settings) -> BroadcastContext:
    context = BroadcastContext(channels=broadcast_channels(settings),
                               reach_hours=settings.zalo_reply_window_hours)
    if settings.telegram_token is not None:
        context.live_status.add("telegram")
    if getattr(settings, "telegram_bot_username", None):   # known before the bot starts
        context.links.set_telegram(settings.telegram_bot_username)
    return context
