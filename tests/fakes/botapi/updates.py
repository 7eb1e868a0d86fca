"""Update queue: getUpdates long polling, webhooks (delivery, retries, redelivery, forged posts)."""
from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any
from urllib.parse import urlparse

import aiohttp

from .model import WebhookDelivery
from .spec import ApiError, bad

UPDATE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
                "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
                "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query",
                "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer",
                "my_chat_member", "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost")
DEFAULT_EXCLUDED = {"chat_member", "message_reaction", "message_reaction_count"}
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")


def update_kind(update: dict) -> str:
    return next((k for k in update if k != "update_id"), "")


class UpdatesMixin:
    # ------------------------------------------------------------ queue
    def _enqueue(self, body: dict) -> dict:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **body}
        self._updates.append(update)
        self._pulse_updates()
        return update

    def _pulse_updates(self) -> None:
        ev, self._updates_event = self._updates_event, asyncio.Event()
        ev.set()

    def _allowed(self, update: dict) -> bool:
        kind = update_kind(update)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in DEFAULT_EXCLUDED

    def _drop_disallowed(self) -> None:
        self._updates = [u for u in self._updates if self._allowed(u)]

    def hand_out_again(self, update: dict) -> None:
        """Serve an update already handed out once more by getUpdates, as Telegram does when the
        bot stopped before confirming it (the next getUpdates' offset)."""
        self._updates.insert(0, update)
        self._pulse_updates()

    @property
    def pending_updates(self) -> list[dict]:
        """Updates queued and not yet confirmed (getUpdates) or delivered (webhook)."""
        return list(self._updates)

    # ------------------------------------------------------------ getUpdates
    async def api_getUpdates(self, p: dict) -> list:
        if self.webhook:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self._last_poll_at = time.monotonic()
        if "allowed_updates" in p:
            self._allowed_updates = list(p["allowed_updates"])
        offset = p.get("offset")
        if offset is not None:
            if offset < 0:
                self._updates = self._updates[offset:] if -offset < len(self._updates) else self._updates
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = min(100, max(1, p.get("limit") or 100))
        timeout = max(0, p.get("timeout") or 0)
        self._poll_generation += 1
        me = self._poll_generation
        self._pulse_updates()  # an older long poll (if any) wakes up and gets 409
        deadline = time.monotonic() + timeout
        while True:
            if me != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                    "make sure that only one bot instance is running")
            if self.webhook:
                raise ApiError(409, WEBHOOK_CONFLICT)
            self._drop_disallowed()
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0 or self._stopping:
                break
            ev = self._updates_event
            try:
                await asyncio.wait_for(ev.wait(), remaining)
            except TimeoutError:
                pass
        batch = self._updates[:limit]
        if batch:
            self._handed_out = max(self._handed_out, batch[-1]["update_id"])
            self._last_activity = time.monotonic()
        self._last_poll_at = time.monotonic()
        return batch

    # ------------------------------------------------------------ webhook methods
    async def api_setWebhook(self, p: dict) -> bool:
        url = p.get("url", "")
        if not url:
            return await self.api_deleteWebhook(p)
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise bad("bad webhook: invalid webhook URL specified")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise bad("bad webhook: secret token contains unallowed characters")
        mc = p.get("max_connections")
        if mc is not None and not 1 <= mc <= 100:
            raise bad("bad webhook: max_connections must be between 1 and 100")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in p:
            self._allowed_updates = list(p["allowed_updates"])
        self.webhook = {"url": url, "secret_token": secret, "max_connections": mc or 40,
                        "allowed_updates": p.get("allowed_updates"), "ip_address": p.get("ip_address"),
                        "has_custom_certificate": "certificate" in p, "set_at": time.monotonic()}
        self._restart_webhook_task()
        self._pulse_updates()
        return True

    async def api_deleteWebhook(self, p: dict) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self._restart_webhook_task()
        return True

    async def api_getWebhookInfo(self, p: dict) -> dict:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}
        if self.webhook:
            info.update(url=self.webhook["url"], has_custom_certificate=self.webhook["has_custom_certificate"],
                        max_connections=self.webhook["max_connections"], ip_address="127.0.0.1")
            if self.webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    # ------------------------------------------------------------ delivery
    def _restart_webhook_task(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None
        if self.webhook and self._session is not None:
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop(self.webhook))

    async def _webhook_loop(self, hook: dict) -> None:
        while self.webhook is hook and not self._stopping:
            self._drop_disallowed()
            if not self._updates:
                await self._updates_event.wait()
                continue
            update = self._updates[0]
            self._delivering += 1
            try:
                await self._deliver(hook, update)
            finally:
                self._delivering -= 1
            if self._updates and self._updates[0] is update:
                self._updates.pop(0)
            self._last_activity = time.monotonic()

    async def _post(self, url: str, body: bytes, headers: dict, update_id: int | None, attempt: int,
                    kind: str) -> WebhookDelivery:
        status, error, resp_body = None, None, b""
        try:
            async with self._session.post(url, data=body, headers=headers,
                                          timeout=aiohttp.ClientTimeout(total=self.webhook_timeout)) as resp:
                status = resp.status
                resp_body = await resp.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        d = WebhookDelivery(update_id=update_id, attempt=attempt, status=status, error=error,
                            at=time.monotonic(), url=url, kind=kind, response_body=resp_body)
        self.webhook_deliveries.append(d)
        if not d.ok:
            self._webhook_error = (int(time.time()), error or f"Wrong response from the webhook: {status}")
        self._last_activity = time.monotonic()
        return d

    def _hook_headers(self, hook: dict) -> dict:
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        return headers

    async def _deliver(self, hook: dict, update: dict) -> bool:
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        for attempt in range(1, self.webhook_max_attempts + 1):
            d = await self._post(hook["url"], body, self._hook_headers(hook), update["update_id"], attempt, "queue")
            if d.ok:
                return True
            if attempt < self.webhook_max_attempts:
                await asyncio.sleep(self.webhook_retry_delay * (2 ** (attempt - 1)))
        return False

    async def redeliver(self, update: dict) -> WebhookDelivery:
        """POST an already-delivered update to the webhook again (tests update_id de-duplication)."""
        if not self.webhook:
            raise RuntimeError("no webhook is set")
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        return await self._post(self.webhook["url"], body, self._hook_headers(self.webhook),
                                update.get("update_id"), 1, "redeliver")

    async def post_raw(self, body: bytes | str | dict, headers: dict | None = None, *,
                       url: str | None = None) -> WebhookDelivery:
        """POST an arbitrary (forged) body to the webhook url (or `url`), with exactly `headers`."""
        target = url or (self.webhook or {}).get("url")
        if not target:
            raise RuntimeError("no webhook is set and no url given")
        if isinstance(body, dict):
            body = json.dumps(body, ensure_ascii=False)
        if isinstance(body, str):
            body = body.encode("utf-8")
        return await self._post(target, body, dict(headers or {}), None, 1, "raw")

    def deliveries_ok(self) -> list[int]:
        """update_ids delivered successfully through the webhook queue, in order."""
        return [d.update_id for d in self.webhook_deliveries if d.kind == "queue" and d.ok]
