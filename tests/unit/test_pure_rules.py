"""Pure rules of the product, without storage or channels."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from handlers.domain import Member, Role, Unit
from handlers.onboarding import match_units
from handlers.text import fold, split_text
from handlers.tips.domain import ALPHABET, new_code, normalise_code
from handlers.tips.routing import contains
from handlers.tips.team import parse_when


def unit(slug: str, short: str, kind: str = "commune", aliases=()) -> Unit:
    prefix = "Thị trấn" if kind == "town" else "Xã"
    return Unit(id=hash(slug) % 1000, slug=slug, name=f"{prefix} {short}", short=short,
                police="", kind=kind, parent_id=1, aliases=tuple(aliases))


UNITS = [unit("cao-thuong", "Cao Thượng", "town"), unit("cao-xa", "Cao Xá"),
         unit("ngoc-ly", "Ngọc Lý"), unit("ngoc-van", "Ngọc Vân"), unit("dai-hoa", "Đại Hóa")]


@pytest.mark.parametrize("typed,expected", [
    ("cao thuong", ["cao-thuong"]), ("Cao Thượng", ["cao-thuong"]),
    ("TT Cao Thuong", ["cao-thuong"]), ("thị trấn cao thượng", ["cao-thuong"]),
    ("xã đại hóa", ["dai-hoa"]), ("DAI HOA", ["dai-hoa"]), ("đại hoá", ["dai-hoa"]),
    ("cao", ["cao-thuong", "cao-xa"]), ("ngoc", ["ngoc-ly", "ngoc-van"]),
    ("hà nội", []), ("", []), ("xã", ["cao-xa"]),
])
def test_commune_matching(typed, expected):
    assert [u.slug for u in match_units(UNITS, typed)] == expected


def test_fold_handles_d_and_composed_or_decomposed_accents():
    import unicodedata
    decomposed = unicodedata.normalize("NFD", "Đại Hóa")
    assert fold("Đại Hóa") == fold(decomposed) == "dai hoa"


def test_split_text_keeps_everything_under_the_limit():
    text = ("Cảnh giác lừa đảo qua mạng. " * 300).strip()
    parts = split_text(text, 500)
    assert all(len(p) <= 500 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_receipt_codes_are_unambiguous_and_read_forgivingly():
    code = new_code()
    assert len(code) == 9 and code[4] == "-" and all(c in ALPHABET for c in code.replace("-", ""))
    assert not set("ILOU") & set(ALPHABET)
    assert normalise_code(code.lower().replace("-", " ")) == code.replace("-", "")
    assert normalise_code("7k3m-q9xo") == "7K3MQ9X0"      # an O typed for a zero
    assert normalise_code("7K3M") is None and normalise_code("7K3M-Q9X!") is None


def test_team_report_times():
    now = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)   # 15:00 in Vietnam
    assert parse_when("14:30", now).strftime("%H:%M %d/%m") == "14:30 25/11"
    assert parse_when("6h15 20/11", now).strftime("%H:%M %d/%m") == "06:15 20/11"
    assert parse_when("25:99", now) is None and parse_when("hôm qua", now) is None


def test_point_in_polygon_with_a_hole():
    ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    shape = {"type": "Polygon", "coordinates": [ring, hole]}
    assert contains(shape, (2, 2)) and not contains(shape, (5, 5))
    assert not contains(shape, (20, 20))
    multi = {"type": "MultiPolygon", "coordinates": [[ring], [[[20, 20], [30, 20], [30, 30],
                                                               [20, 20]]]]}
    # points are (latitude, longitude); GeoJSON rings are [longitude, latitude]
    assert contains(multi, (22, 25)) and not contains(multi, (28, 22))


def test_who_may_act_for_a_unit():
    officer = Member(channel="t", user_id="1", role=Role.OFFICER, unit_id=5)
    command = Member(channel="t", user_id="2", role=Role.COMMAND, unit_id=None)
    team = Member(channel="t", user_id="3", role=Role.TEAM_MEMBER, unit_id=5)
    removed = Member(channel="t", user_id="4", role=Role.OFFICER, unit_id=5, active=False)
    assert officer.may_act_for(5) and not officer.may_act_for(6)
    assert command.may_act_for(6) and not team.may_act_for(5) and not removed.may_act_for(5)
