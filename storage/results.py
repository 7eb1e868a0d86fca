"""Typed access to what SQLAlchemy's stubs leave out of a statement's result."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult, Result


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """The rows an UPDATE, DELETE or INSERT matched: ``result.rowcount or 0``.

    AsyncSession.execute is typed to return a Result whatever the statement; a DML statement's
    result is a CursorResult at run time, and that has the rowcount.
    """
    return cast("CursorResult[Any]", result).rowcount or 0
