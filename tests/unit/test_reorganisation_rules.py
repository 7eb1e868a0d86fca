"""The pure rules of a reorganisation: who merges into whom, and what is refused."""
from __future__ import annotations

from datetime import date

import pytest

from handlers.domain import UnitSpec
from handlers.reorganisation import Merger, ReorganisationRefused, _chains_first, mergers

JULY = date(2025, 7, 1)


def unit(slug: str, *replaces: str) -> UnitSpec:
    return UnitSpec(slug=slug, name=slug, short=slug, police=slug, kind="commune",
                    parent_slug=None, replaces=replaces, effective=JULY if replaces else None)


def test_each_old_unit_gets_its_one_successor():
    plan = mergers([unit("xa-tan-yen", "cao-thuong", "cao-xa"), unit("xa-nha-nam", "nha-nam"),
                    unit("xa-tuan-dao")])
    assert plan == [Merger("cao-thuong", "xa-tan-yen", JULY), Merger("cao-xa", "xa-tan-yen", JULY),
                    Merger("nha-nam", "xa-nha-nam", JULY)]


def test_a_unit_naming_itself_is_not_a_merger():
    assert mergers([unit("phuc-hoa", "phuc-hoa", "lien-chung")]) == [
        Merger("lien-chung", "phuc-hoa", JULY)]


def test_a_split_is_refused_naming_the_unit_and_both_successors():
    with pytest.raises(ReorganisationRefused) as refused:
        mergers([unit("xa-a", "cao-thuong", "cao-xa"), unit("xa-b", "cao-thuong")])
    assert "cao-thuong -> xa-a, xa-b" in str(refused.value)
    assert "cao-xa" not in str(refused.value)


def test_a_unit_both_kept_and_merged_is_refused():
    with pytest.raises(ReorganisationRefused, match="kept in the directory and merged.*nha-nam"):
        mergers([unit("xa-tan-yen", "nha-nam"), unit("nha-nam")])


def test_a_chain_moves_the_first_link_first():
    plan = [Merger("b", "c", JULY), Merger("a", "b", JULY)]
    assert [m.old_slug for m in _chains_first(plan)] == ["a", "b"]
