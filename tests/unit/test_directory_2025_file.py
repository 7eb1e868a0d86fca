"""The shipped 2025 directory: the whole province, each unit sourced, every seed commune mapped."""
from __future__ import annotations

import yaml

from bot.datafiles import load_directory
from config.settings import CONFIG_DIR, Settings
from handlers.domain import Unit
from handlers.onboarding import match_units

NEW = CONFIG_DIR / "units" / "bac-ninh-2025.yaml"
SEED = CONFIG_DIR / "units" / "tan-yen.yaml"


def test_it_is_the_default_directory():
    assert Settings(_env_file=None).units_file == NEW


def test_the_province_has_99_communes_and_wards_under_its_duty_desk():
    name, specs = load_directory(NEW)
    root, *leaves = specs
    assert name == "bac-ninh-2025"
    assert (root.police, root.duty_desk, root.replaces) == ("Công an tỉnh Bắc Ninh", True,
                                                            ("tan-yen",))
    assert len(leaves) == 99 and all(s.parent_slug == "bac-ninh" for s in leaves)
    kinds = [s.kind for s in leaves]
    assert (kinds.count("commune"), kinds.count("ward")) == (66, 33)
    assert all(s.police == f"Công an {'phường' if s.kind == 'ward' else 'xã'} {s.short}"
               for s in leaves)


def test_every_seed_commune_is_merged_into_exactly_one_new_commune():
    seed = [s.slug for s in load_directory(SEED)[1] if s.parent_slug]
    replaced = [old for s in load_directory(NEW)[1] if s.parent_slug for old in s.replaces]
    assert sorted(replaced) == sorted(seed) and len(seed) == 22
    tan_yen = next(s for s in load_directory(NEW)[1] if s.slug == "xa-tan-yen")
    assert tan_yen.replaces == ("cao-thuong", "cao-xa", "viet-lap", "ngoc-ly")
    assert tan_yen.effective.isoformat() == "2025-07-01"


def test_each_unit_names_its_source_and_former_units():
    raw = yaml.safe_load(NEW.read_text(encoding="utf-8"))
    children = raw["units"][0]["children"]
    assert all("1658/NQ-UBTVQH15" in c["source"] for c in children)
    assert all(c["formed_from"] or c["slug"] == "xa-tuan-dao" for c in children)
    unconfirmed = [c["slug"] for c in children if "unconfirmed" in c["source"]]
    assert unconfirmed == ["xa-quang-trung"]


def test_former_names_find_the_new_commune():
    units = [Unit(id=i, slug=s.slug, name=s.name, short=s.short, police=s.police, kind=s.kind,
                  parent_id=0, aliases=s.aliases)
             for i, s in enumerate(load_directory(NEW)[1][1:], start=1)]
    for typed in ("cao thuong", "tan yen", "TT Cao Thượng", "viet lap"):
        assert [u.slug for u in match_units(units, typed)] == ["xa-tan-yen"], typed
    assert [u.slug for u in match_units(units, "que nham")] == ["phuong-da-mai"]
