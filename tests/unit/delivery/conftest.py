"""Fixtures of the delivery engine tests are those of the broadcast engine."""
from tests.unit.broadcasts.conftest import clock, make_drain, outbox, sender  # noqa: F401
