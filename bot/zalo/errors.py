"""Zalo failures as types, and their translation into the broadcast engine's send outcomes."""
from __future__ import annotations

from delivery.errors import (ChatNotFound, FloodWait, OutOfReach, PermanentSendError,
                               RecipientGone, SendError, TransientSendError)

# OA Open API error codes (envelope `error`), see shared/platforms/zalo.md.
OA_RATE_LIMIT = -32
OA_BAD_PARAMETER = -201
OA_OUT_OF_QUOTA = -211
OA_NOT_FOLLOWER = -213
OA_TOKEN_INVALID = -216
OA_TOKEN_EXPIRED = -220
OA_OUTSIDE_WINDOW = (-230, -232)
OA_TOKEN_ERRORS = (OA_TOKEN_INVALID, OA_TOKEN_EXPIRED)
OA_RATE_PAUSE = 60.0      # the OA quota is counted per minute: wait out the minute
BOT_RATE_PAUSE = 30.0     # the Bot Platform publishes no quota window; 429 without retry_after


class ZaloApiError(Exception):
    """Zalo answered and refused: a non-zero `error` (OA) or `ok: false` (Bot Platform)."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(f"zalo error {code}: {message[:200]}")
        self.code = code
        self.message = message


class ZaloUnavailable(Exception):
    """No usable answer: network trouble, a timeout, a 5xx, a body that is not the envelope."""


class OutsideWindow(OutOfReach):
    """The OA may not message this user: no interaction within the reply window (-230/-232).

    A distinct outcome, not a failure of ours: the drain records it as a final 'unreached' row
    with the reason `zalo_outside_window` and one delivery_out_of_reach ledger event, which the
    statistics count as "out of reach on Zalo".
    It is never retried (only the user writing to the OA again reopens the window).
    """

    REASON = "zalo_outside_window"

    def __init__(self) -> None:
        super().__init__(self.REASON)


def classify_oa(error: ZaloApiError | ZaloUnavailable) -> SendError:
    """What the drain should do about an OA failure."""
    if isinstance(error, ZaloUnavailable):
        return TransientSendError(str(error))
    code = error.code
    if code == OA_RATE_LIMIT:
        return FloodWait(OA_RATE_PAUSE)
    if code in OA_OUTSIDE_WINDOW:
        return OutsideWindow()
    if code == OA_NOT_FOLLOWER:
        return RecipientGone(str(error))
    if code == OA_OUT_OF_QUOTA:
        return PermanentSendError("zalo_out_of_quota")
    if code == OA_BAD_PARAMETER:
        return PermanentSendError("zalo_bad_parameter")
    # Token errors reach here only after a refresh failed; unknown codes may be Zalo's own
    # trouble. Both are retried a bounded number of times by the drain.
    return TransientSendError(f"zalo_error_{code}")


def classify_bot(error: ZaloApiError | ZaloUnavailable) -> SendError:
    """What the drain should do about a Bot Platform failure (`error_code` is HTTP-like)."""
    if isinstance(error, ZaloUnavailable):
        return TransientSendError(str(error))
    code = error.code
    if code == 429:
        return FloodWait(BOT_RATE_PAUSE)
    if code == 403:
        return RecipientGone(str(error))
    if code == 404:
        return ChatNotFound(str(error))
    if code in (400, 401):
        return PermanentSendError(f"zalo_bot_error_{code}")
    return TransientSendError(f"zalo_bot_error_{code}")
