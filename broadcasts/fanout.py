"""Planning a fan-out: streaming batches, who counts once, and the checks made before it.

Fan-out semantics (storage implements them in SQL; ``dedupe_recipients`` is the reference):

* one outbox row per (broadcast, channel, chat) and message part: a resident subscribed to several
  of the chosen topics is selected once (``INSERT ... SELECT DISTINCT``);
* the table's unique key on those columns plus ``ON CONFLICT DO NOTHING`` makes a repeated
  fan-out (confirm pressed twice, a crash half-way and a restart) add nothing twice;
* rows are inserted in batches streamed from the database, never all held in memory.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TypeVar

from broadcasts.ports import Recipient
from broadcasts.recurrence import next_occurrence, parse_recurrence
from broadcasts.splitting import (TELEGRAM_TEXT, ZALO_TEXT, TextLimit, split_for_channel,
                                  utf16_len)
from broadcasts.validation import validate_bulletin, validate_schedule

T = TypeVar("T")

__all__ = ["chunked", "dedupe_recipients", "split_for_channel", "validate_bulletin",
           "validate_schedule", "next_occurrence", "parse_recurrence", "TextLimit",
           "TELEGRAM_TEXT", "ZALO_TEXT", "utf16_len"]


async def chunked(items: Iterable[T] | AsyncIterable[T], size: int) -> AsyncIterator[list[T]]:
    """Yield lists of up to ``size`` items from a sync or async iterable, in order."""
    if size < 1:
        raise ValueError("size must be >= 1")
    batch: list[T] = []
    async for item in _each(items):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
            # A 200,000-row fan-out must leave the loop free to answer residents between batches.
            await asyncio.sleep(0)
    if batch:
        yield batch


async def _each(items: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


def dedupe_recipients(recipients: Iterable[Recipient]) -> Iterator[Recipient]:
    """Each (channel, chat) once, keeping its first occurrence and the input order."""
    seen: set[tuple[str, str]] = set()
    for recipient in recipients:
        key = (recipient.channel, recipient.chat_id)
        if key not in seen:
            seen.add(key)
            yield recipient
