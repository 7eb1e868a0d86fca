"""Every user-facing word is in both catalogues, with the same placeholders."""
import re

import pytest

from bot.datafiles import load_catalog, load_topics
from handlers.i18n import placeholders

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


@pytest.fixture(scope="module")
def texts():
    catalog = load_catalog()
    return catalog._texts


def test_both_catalogues_have_every_key(texts):
    assert set(texts["vi"]) == set(texts["en"])


def test_placeholders_match(texts):
    for key, template in texts["vi"].items():
        assert placeholders(template) == placeholders(texts["en"][key]), key


def test_every_topic_and_command_is_named(texts):
    from bot.telegram.channel import COMMANDS
    for topic in load_topics():
        assert f"topic.{topic}" in texts["vi"]
    for command in COMMANDS:
        assert f"command.{command}" in texts["vi"]


def test_vietnamese_catalogue_is_vietnamese(texts):
    """Most entries carry diacritics: a sign the catalogue was not filled with English."""
    accented = [k for k, v in texts["vi"].items() if VIETNAMESE.search(v.lower())]
    assert len(accented) / len(texts["vi"]) > 0.8


def test_no_python_module_holds_vietnamese_text():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for folder in ("bot", "handlers", "broadcasts", "storage"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "text.py":   # the accent-folding table, not text for people
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if VIETNAMESE.search(line.lower()) and not line.strip().startswith("#"):
                    if '"""' not in line:
                        offenders.append(f"{path.name}: {line.strip()}")
    assert offenders == []
