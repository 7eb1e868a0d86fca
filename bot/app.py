"""The composition root: settings -> engine -> unit of work -> catalogue -> use cases."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.broadcasting.context import broadcast_context
from bot.datafiles import load_bulletins, load_catalog, load_directory, load_topics
from bot.report import chart, report_file
from broadcasts.feature import broadcast_feature
from broadcasts.flow import BroadcastContext
from config.settings import Settings
from handlers.dialogue import Dialogue
from handlers.i18n import Catalog
from handlers.presence import Presence
from handlers.screens import build_dialogue
from handlers.statistics.feature import statistics_feature
from handlers.tips.feature import tips_feature
from handlers.tips.domain import TipRules
from bot.sealing import Sealer, load_sealer
from bot.turns import Turns
from storage import db
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory
    catalog: Catalog
    dialogue: Dialogue
    presence: Presence
    sealer: Sealer
    rules: TipRules
    turns: Turns
    broadcasts: BroadcastContext = field(default_factory=BroadcastContext)

    async def close(self) -> None:
        await self.engine.dispose()

    async def kept_file(self, ref: str) -> tuple[bytes, str] | None:
        """A file the bot keeps for a tip ("kept:12"), for an adapter to upload."""
        async with self.uow() as uow:
            found = await uow.kept_files.get(ref)
        return (found.data, found.filename) if found is not None else None


def build_app(settings: Settings) -> App:
    """Wire everything once; nothing is created at import time."""
    engine = db.make_engine(settings.database_url)
    uow = SqlUnitOfWorkFactory(engine)
    catalog = load_catalog(settings.default_language)
    sealer, rules = load_sealer(settings), tip_rules(settings)
    db.seal_dialogue_states(engine, sealer.state_key())
    broadcasting = broadcast_context(settings)
    features = [tips_feature(sealer, rules, broadcasting.links.start_link),
                broadcast_feature(broadcasting),
                statistics_feature(chart=chart, report_file=report_file)]
    dialogue = build_dialogue(uow, catalog, extra=features)
    return App(settings=settings, engine=engine, uow=uow, catalog=catalog, dialogue=dialogue,
               presence=Presence(uow), sealer=sealer, rules=rules,
               turns=Turns(dialogue, uow, catalog), broadcasts=broadcasting)


def tip_rules(settings: Settings) -> TipRules:
    return TipRules(tips_per_hour=settings.tips_per_hour, tips_per_day=settings.tips_per_day,
                    lookups_per_hour=settings.code_lookups_per_hour,
                    link_retention_days=settings.tip_link_retention_days,
                    content_retention_days=settings.tip_content_retention_days,
                    escalation_minutes=settings.tip_escalation_minutes,
                    cards_per_minute=settings.tip_cards_per_minute,
                    invite_days=settings.invite_days)


async def prepare_database(app: App) -> None:
    """Migrate (unless disabled), then load topics, the bulletin library and, on a new
    database, the default unit directory."""
    if app.settings.auto_migrate:
        await db.upgrade(app.engine)
    topics = load_topics()
    bulletins = load_bulletins(app.settings.bulletins_dir, topics)
    async with app.uow() as uow:
        await uow.topics.sync(topics)
        added, changed = await uow.bulletins.upsert(bulletins)
        first_run = not await uow.units.all()
        if first_run:
            _, specs = load_directory(app.settings.units_file)
            await uow.units.upsert(specs)
        await ensure_admins(uow, app.settings.admin_telegram_ids)
        await uow.commit()
    await name_places(app)
    log.info("database ready", extra={"bulletins_added": added, "bulletins_changed": changed,
                                      "units_loaded": first_run})


async def name_places(app: App) -> None:
    """Prompts name the kinds of place the directory in use has ("xã, phường" since 2025)."""
    async with app.uow() as uow:
        app.catalog.use_places(unit.kind for unit in await uow.units.selectable())


async def ensure_admins(uow, telegram_ids: list[int]) -> None:
    """Administrators named in BOT_ADMIN_TELEGRAM_IDS exist from the start."""
    from handlers.domain import Member, Role
    for user_id in telegram_ids:
        member = await uow.members.get("telegram", str(user_id))
        if member is None or member.role is not Role.ADMIN or not member.active:
            await uow.members.save(Member(channel="telegram", user_id=str(user_id),
                                          role=Role.ADMIN, unit_id=None, name="admin",
                                          id=member.id if member else None))
            uow.audit.record("config", "admin_ensured", "member", str(user_id))


async def import_units(app: App, path) -> tuple[str, int, int]:
    directory, specs = load_directory(path)
    async with app.uow() as uow:
        added, changed = await uow.units.upsert(specs)
        await uow.commit()
    await name_places(app)
    return directory, added, changed
