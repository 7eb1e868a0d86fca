"""Jurisdictions are data: no catalogue names a real unit; police names come from the directory."""
from __future__ import annotations

import re

import pytest

from bot.datafiles import load_directory
from config.settings import CONFIG_DIR
from handlers.text import fold

DIRECTORIES = sorted((CONFIG_DIR / "units").glob("*.yaml"))
CATALOGUES = sorted((CONFIG_DIR / "locales").glob("*.yaml"))


def unit_names() -> set[str]:
    names: set[str] = set()
    for path in DIRECTORIES:
        for spec in load_directory(path)[1]:
            names |= {spec.name, spec.short, spec.police}
    return names


def mentions(text: str, name: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text) is not None


def test_the_directories_are_read():
    assert len(DIRECTORIES) >= 2 and "Công an xã Tân Yên" in unit_names()


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.name)
def test_no_catalogue_names_a_unit_of_the_directory(catalogue):
    text = catalogue.read_text(encoding="utf-8").lower()
    folded = fold(text)
    names = unit_names()
    found = sorted(n for n in names if mentions(text, n.lower()))
    # police names typed without accents too ("cong an huyen tan yen")
    found += sorted(n for n in names if n.startswith("Công an") and mentions(folded, fold(n)))
    assert not found, f"{catalogue.name} names units: {found}"


def test_the_check_would_catch_the_old_greeting():
    assert mentions("đây là kênh thông tin của công an huyện tân yên.", "công an huyện tân yên")
