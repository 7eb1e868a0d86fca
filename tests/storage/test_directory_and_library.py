"""The shipped Tân Yên directory and bulletin library, and the units import command."""
from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter

import pytest

from bot.datafiles import DataFileError, load_bulletins, load_directory, load_topics
from config.settings import CONFIG_DIR
from handlers.text import fold
from tests.conftest import ROOT

COMMUNES = ["Cao Thượng", "Nhã Nam", "An Dương", "Cao Xá", "Đại Hóa", "Hợp Đức", "Lam Cốt",
            "Lan Giới", "Liên Chung", "Liên Sơn", "Ngọc Châu", "Ngọc Lý", "Ngọc Thiện",
            "Ngọc Vân", "Phúc Hòa", "Phúc Sơn", "Quang Tiến", "Quế Nham", "Song Vân",
            "Tân Trung", "Việt Lập", "Việt Ngọc"]


def test_tan_yen_directory_has_the_command_and_its_22_communes():
    name, specs = load_directory(CONFIG_DIR / "units" / "tan-yen.yaml")
    assert name == "tan-yen-2024"
    desk = [s for s in specs if s.duty_desk]
    assert [s.slug for s in desk] == ["tan-yen"]
    communes = [s for s in specs if s.parent_slug == "tan-yen"]
    assert [s.short for s in communes] == COMMUNES
    for spec in communes:
        assert fold(spec.short) in spec.aliases                  # an ASCII-folded alias
        assert spec.slug == fold(spec.short).replace(" ", "-")


def test_library_has_practical_bulletins_for_every_required_topic():
    topics = load_topics()
    assert {"fraud", "loan-sharking", "drugs", "fire-safety", "traffic", "theft",
            "gambling"} <= set(topics)
    bulletins = load_bulletins(CONFIG_DIR / "bulletins", topics)
    per_topic = Counter(b.topic for b in bulletins)
    for topic in ("fraud", "loan-sharking", "drugs", "fire-safety"):
        assert per_topic[topic] >= 3, topic
    for bulletin in bulletins:
        assert len(bulletin.body) <= 1000 and len(bulletin.title) <= 80   # readable on a phone
        assert any(n in bulletin.body for n in ("113", "114", "115", "Công an"))


def test_a_malformed_directory_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("directory: x\nunits:\n  - slug: Bad Slug\n    kind: commune\n    name: X\n")
    with pytest.raises(DataFileError, match="slug"):
        load_directory(path)
    path.write_text("directory: x\nunits: [\n")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_directory(path)


async def run_cli(database_url: str, *args: str) -> str:
    env = {**os.environ, "BOT_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_units_import_is_idempotent_and_accepts_a_deeper_tree(app, database_url, tmp_path):
    out = await run_cli(database_url, "units", "import", "config/units/tan-yen.yaml")
    assert out.strip() == "tan-yen-2024: 0 units added, 0 updated"
    province = tmp_path / "province.yaml"
    province.write_text(
        "directory: bac-ninh-2025\nunits:\n"
        "  - slug: bac-ninh\n    kind: province\n    name: Tỉnh Bắc Ninh\n    duty_desk: true\n"
        "    children:\n      - slug: tan-yen-moi\n        kind: commune\n"
        "        name: Xã Tân Yên\n        aliases: [tan yen moi]\n", encoding="utf-8")
    out = await run_cli(database_url, "units", "import", str(province))
    assert out.strip() == "bac-ninh-2025: 2 units added, 0 updated"
    listing = await run_cli(database_url, "units", "list")
    assert "  cao-thuong" in listing and "bac-ninh" in listing and "  tan-yen-moi" in listing
    async with app.uow() as uow:
        leaves = {u.slug for u in await uow.units.selectable()}
    assert "tan-yen-moi" in leaves and "bac-ninh" not in leaves and "tan-yen" not in leaves


async def test_db_upgrade_reports_the_revision(app, database_url):
    out = await run_cli(database_url, "db", "upgrade")
    from alembic.script import ScriptDirectory
    from storage.db import alembic_config
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert out.strip() == f"database revision: {head}"
