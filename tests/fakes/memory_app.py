"""The dialogue with every feature on the in-memory unit of work: use cases without a database.

Loads the same data files as the bot (catalogues, topics, library, the seed-era directory) into
a MemoryDatabase; tests talk to `app.dialogue` with tests.fakes.resident.Resident.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.datafiles import load_bulletins, load_catalog, load_directory, load_topics
from bot.sealing import Sealer
from broadcasts.feature import broadcast_feature
from broadcasts.flow import BroadcastContext
from config.settings import CONFIG_DIR
from handlers.dialogue import Dialogue
from handlers.domain import Member, Role
from handlers.i18n import Catalog
from handlers.screens import build_dialogue
from handlers.tips.domain import TipRules
from handlers.tips.feature import tips_feature
from tests.fakes.memory_uow import MemoryDatabase

SEED_DIRECTORY = Path(__file__).resolve().parents[2] / "config" / "units" / "tan-yen.yaml"
CHANNEL = "test"


@dataclass
class MemoryApp:
    uow: MemoryDatabase
    catalog: Catalog
    dialogue: Dialogue
    sealer: Sealer
    rules: TipRules


async def memory_app(rules: TipRules | None = None) -> MemoryApp:
    """A fresh in-memory database with the data files loaded, and the dialogue on it."""
    database, catalog = MemoryDatabase(), load_catalog("vi")
    topics = load_topics()
    async with database() as uow:
        await uow.topics.sync(topics)
        await uow.bulletins.upsert(load_bulletins(CONFIG_DIR / "bulletins", topics))
        await uow.units.upsert(load_directory(SEED_DIRECTORY)[1])
        await uow.commit()
        catalog.use_places(unit.kind for unit in await uow.units.selectable())
    sealer, rules = Sealer(b"unit-test-key-0123456789abcdef"), rules or TipRules()
    features = [tips_feature(sealer, rules),
                broadcast_feature(BroadcastContext(channels=[CHANNEL]))]
    dialogue = build_dialogue(database, catalog, extra=features)
    return MemoryApp(database, catalog, dialogue, sealer, rules)


async def add_member(app: MemoryApp, user_id: str, role: Role, unit_slug: str | None,
                     name: str = "Cán bộ") -> Member:
    async with app.uow() as uow:
        unit = await uow.units.by_slug(unit_slug) if unit_slug else None
        member = await uow.members.save(Member(channel=CHANNEL, user_id=user_id, role=role,
                                               unit_id=unit.id if unit else None, name=name))
        await uow.commit()
    return member
