"""The OA's OAuth v4 token life cycle: refresh before expiry, keep the single-use refresh token.

Zalo's access token lives about 25 hours; each refresh spends the refresh token and returns a new
one. Losing the new one means an officer has to re-authorise the OA by hand, so the new pair is
written in the same transaction that read (and, on PostgreSQL, locked) the old one, and kept in
memory to retry the write if the database is briefly away.

The pair is stored sealed with the key outside the database (bot/sealing.py, as tipster links
are): a copy of the database does not let anyone write as the OA. A pair stored in clear (before
migration 0009) is read once and stored again sealed.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Protocol

import aiohttp

from bot.sealing import Sealer
from bot.zalo.errors import ZaloApiError, ZaloUnavailable
from handlers.ports import StorageUnavailable, UnitOfWorkFactory

log = logging.getLogger(__name__)
REFRESH_AHEAD = timedelta(hours=2)     # refresh this long before the access token expires
OAUTH_PATH = "/v4/oa/access_token"
TIMEOUT = aiohttp.ClientTimeout(total=20)


ACCESS, REFRESH = "zalo-oa-access", "zalo-oa-refresh"     # sealing purposes


@dataclass(frozen=True)
class ZaloTokens:
    """The OA's token pair; `sealed` says both tokens are sealed (as stored) or in clear."""

    app_id: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime | None
    seed: str
    sealed: bool = False


class TokenStore(Protocol):
    """The unit of work's `zalo_tokens`: keeps a pair as given, sealed or not."""

    async def get(self, app_id: str, *, lock: bool = False) -> ZaloTokens | None: ...
    async def put(self, tokens: ZaloTokens) -> None: ...


def sealed(sealer: Sealer, tokens: ZaloTokens) -> ZaloTokens:
    """The pair as it is stored."""
    return replace(tokens, access_token=sealer.seal(ACCESS, tokens.access_token),
                   refresh_token=sealer.seal(REFRESH, tokens.refresh_token), sealed=True)


def opened(sealer: Sealer, stored: ZaloTokens | None) -> ZaloTokens | None:
    """The pair in clear; None if nothing is stored or it cannot be opened with this key."""
    if stored is None or not stored.sealed:
        return stored
    access, refresh = sealer.unseal(stored.access_token), sealer.unseal(stored.refresh_token)
    if access is None or refresh is None or access[0] != ACCESS or refresh[0] != REFRESH:
        log.error("zalo oa tokens cannot be opened with this key: taken from settings")
        return None
    return replace(stored, access_token=access[1], refresh_token=refresh[1], sealed=False)


def seed_of(refresh_token: str) -> str:
    """Which settings a stored pair descends from (a hash: the token itself is not repeated)."""
    return hashlib.sha256(refresh_token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TokenKeeper:
    """Hands out a valid OA access token, refreshing it when due or when Zalo rejects it."""

    def __init__(self, uow: UnitOfWorkFactory, http: aiohttp.ClientSession, *, sealer: Sealer,
                 app_id: str, app_secret: str, oauth_url: str, access_token: str,
                 refresh_token: str, clock: Callable[[], datetime] = _now) -> None:
        self._uow, self._http, self._clock, self._sealer = uow, http, clock, sealer
        self._app_id, self._app_secret, self._oauth_url = app_id, app_secret, oauth_url
        self._seed = ZaloTokens(app_id, access_token, refresh_token, None, seed_of(refresh_token))
        self._current: ZaloTokens | None = None
        self._unsaved: ZaloTokens | None = None
        self._lock = asyncio.Lock()

    async def access_token(self) -> str:
        """A token to call the OA API with, refreshed first if it expires soon."""
        if self._unsaved is not None:
            await self._save_unsaved()
        current = self._current or await self._load()
        if self._due(current):
            current = await self.refresh(rejected=current.access_token)
        return current.access_token

    def _due(self, tokens: ZaloTokens) -> bool:
        if not tokens.access_token:
            return True
        expires = tokens.access_expires_at
        # An access token pasted into settings has no known expiry: used until Zalo rejects it.
        return expires is not None and expires - self._clock() <= REFRESH_AHEAD

    async def _load(self) -> ZaloTokens:
        async with self._uow() as uow:
            store: TokenStore = uow.zalo_tokens
            kept = await store.get(self._app_id)
            stored = opened(self._sealer, kept)
            if stored is None or stored.seed != self._seed.seed:
                # First start, or an officer re-authorised the OA and set new tokens.
                stored = self._seed
                await self._put(uow, stored)
                log.info("zalo oa tokens taken from settings")
            elif not kept.sealed:
                await self._put(uow, stored)       # stored in clear before 0009: seal it now
                log.info("zalo oa tokens sealed")
            await uow.commit()
        self._current = stored
        return stored

    async def _put(self, uow, tokens: ZaloTokens) -> None:
        store: TokenStore = uow.zalo_tokens
        await store.put(sealed(self._sealer, tokens))

    async def refresh(self, rejected: str | None = None) -> ZaloTokens:
        """Spend the refresh token once, unless another task or process already has."""
        async with self._lock:
            async with self._uow() as uow:
                kept = await uow.zalo_tokens.get(self._app_id, lock=True)
                stored = opened(self._sealer, kept) or self._seed
                if stored.access_token != rejected and not self._due(stored):
                    self._current = stored       # someone refreshed while we waited
                    return stored
                fresh = await self._exchange(stored)
                self._current = fresh
                try:
                    await self._put(uow, fresh)
                    await uow.commit()
                except StorageUnavailable:
                    self._unsaved = fresh
                    raise
            log.info("zalo oa access token refreshed",
                     extra={"expires_at": fresh.access_expires_at.isoformat()})
            return fresh

    async def _exchange(self, stored: ZaloTokens) -> ZaloTokens:
        body = await self._post({"app_id": self._app_id, "grant_type": "refresh_token",
                                 "refresh_token": stored.refresh_token})
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if not access or not refresh:
            code = body.get("error") if isinstance(body.get("error"), int) else -1
            log.error("zalo oa token refresh refused", extra={"code": code})
            raise ZaloApiError(code, str(body.get("error_name") or "refresh refused"))
        try:
            lifetime = int(body.get("expires_in", 0))    # a string in Zalo's answer
        except (TypeError, ValueError):
            lifetime = 0
        expires = self._clock() + timedelta(seconds=lifetime or 3600)
        return ZaloTokens(self._app_id, str(access), str(refresh), expires, stored.seed)

    async def _post(self, form: dict) -> dict:
        try:
            async with self._http.post(f"{self._oauth_url}{OAUTH_PATH}", data=form,
                                       headers={"secret_key": self._app_secret},
                                       timeout=TIMEOUT) as response:
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise ZaloUnavailable(f"oauth: {type(error).__name__}") from error
        if not isinstance(body, dict):
            raise ZaloUnavailable("oauth: not an object")
        return body

    async def _save_unsaved(self) -> None:
        async with self._uow() as uow:
            await self._put(uow, self._unsaved)
            await uow.commit()
        log.warning("zalo oa tokens saved after a storage outage")
        self._unsaved = None
