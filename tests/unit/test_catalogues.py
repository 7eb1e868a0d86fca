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
    from handlers.command_menu import RESIDENT_COMMANDS, STAFF_COMMANDS, TEAM_COMMANDS
    for topic in load_topics():
        assert f"topic.{topic}" in texts["vi"]
    for command in RESIDENT_COMMANDS + TEAM_COMMANDS + STAFF_COMMANDS:
        assert f"command.{command}" in texts["vi"]


def test_vietnamese_catalogue_is_vietnamese(texts):
    """Most entries carry diacritics: a sign the catalogue was not filled with English."""
    accented = [k for k, v in texts["vi"].items() if VIETNAMESE.search(v.lower())]
    assert len(accented) / len(texts["vi"]) > 0.8


def test_no_python_module_holds_vietnamese_text():
    """User-facing words live in the catalogues: no Vietnamese string literal in code
    (docstrings and comments may explain things in Vietnamese words)."""
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("bot", "handlers", "broadcasts", "storage"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "text.py":   # the accent-folding table, not text for people
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                               ast.AsyncFunctionDef))
                          and node.body and isinstance(node.body[0], ast.Expr)
                          and isinstance(node.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and id(node) not in docstrings and VIETNAMESE.search(node.value.lower()):
                    offenders.append(f"{path.name}:{node.lineno}: {node.value[:40]}")
    assert offenders == []


def test_no_entry_is_cut_short_by_a_yaml_comment():
    """An unquoted ' #' starts a YAML comment and silently truncates the text."""
    from config.settings import CONFIG_DIR
    for lang in ("vi", "en"):
        for number, line in enumerate((CONFIG_DIR / "locales" / f"{lang}.yaml")
                                      .read_text(encoding="utf-8").splitlines(), start=1):
            key, sep, value = line.partition(": ")
            if sep and not line.startswith((" ", "#")) and not value.startswith(('"', "'", "|")):
                assert " #" not in value, f"{lang}.yaml:{number}: quote this value"


def test_numbers_are_written_the_way_each_language_writes_them():
    """Officers reading Vietnamese see a decimal comma and a thousands dot (issue 12)."""
    catalog = load_catalog()
    assert "Tốc độ: 0,5 tin/giây" in catalog.t("vi", "broadcast.status.pace", rate=0.5, left="-")
    assert "Rate: 0.5 messages/s" in catalog.t("en", "broadcast.status.pace", rate=0.5, left="-")
    assert "Bản tin #12345 " in catalog.t("vi", "broadcast.status.head", id=12345, state="x")


def test_a_quantity_has_its_thousands_grouped_and_an_identifier_never():
    """One number rule for every text (issue 12): '20000' was printed where a limit was said."""
    catalog = load_catalog()
    assert "từ 1 đến 20.000 " in catalog.t("vi", "stats.act.error.count_range", limit=20000)
    assert "from 1 to 20,000 " in catalog.t("en", "stats.act.error.count_range", limit=20000)
    assert catalog.t("vi", "broadcast.window.hours", n=1.5) == "1,5 giờ"
    assert catalog.t("en", "broadcast.window.hours", n=1.5) == "1.5 hours"
    assert "#12345." in catalog.t("vi", "stats.act.saved", record=12345)
    assert catalog.t("vi", "stats.format.date", day=3, month=12, year=2026) == "3/12/2026"


def test_every_numbered_thing_is_an_identifier(texts):
    """'#{x}' names a bulletin, a record or an option: it must never read '#12.345'."""
    from handlers.i18n import IDENTIFIERS
    numbered = {name for table in texts.values() for template in table.values()
                for name in re.findall(r"#\{([a-z_]+)", template)}
    assert numbered - {"label"} <= IDENTIFIERS
    assert numbered - {"label"}
