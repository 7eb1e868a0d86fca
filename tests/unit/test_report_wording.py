"""The report's and the officers' wording (issue 12): how numbers, durations, places, limits
and channels are written."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.datafiles import load_catalog
from handlers.statistics.activities import BY_SLUG, ActivityError, check_count
from handlers.statistics.figures import (ChannelFigures, Counts, Durations, Figures,
                                         UnitFigures)
from handlers.statistics.labels import Labels
from handlers.statistics.narrative import narrative
from handlers.statistics.period import Period


@pytest.fixture(scope="module")
def vi():
    return Labels(load_catalog(), "vi")


def figures(counts: Counts, *, scope=None, area=None, durations=None) -> Figures:
    total = UnitFigures(0, "", "", 0, counts, bulletins=2,
                        durations=durations or Durations())
    return Figures(period=Period(date(2025, 6, 1), date(2025, 6, 30)), scope_slug=None,
                   scope_name=scope, total=total, units=[total], topics=[],
                   channels=[ChannelFigures("telegram", 2, 9, 10)], categories=[], months=[],
                   generated_at=datetime(2025, 7, 1, tzinfo=timezone.utc), area_name=area)


def test_under_a_minute_is_not_within_under_a_minute(vi):
    assert vi.within(30) == "dưới 1 phút"
    assert vi.within(3 * 3600) == "trong vòng 3 giờ"
    text = narrative(figures(Counts(tips=2, tips_residents=2, valuable=1),
                             durations=Durations(first_action_n=2, first_action_median=20,
                                                 first_action_p90=40)), vi)
    assert "90% số tin dưới 1 phút" in text and "trong vòng dưới" not in text


def test_a_unit_is_named_mid_sentence_not_capitalised(vi):
    text = narrative(figures(Counts(delivered=9, delivery_failed=1),
                             scope="Thị trấn Cao Thượng"), vi)
    assert text.startswith("Trong kỳ (từ ngày 01/06/2025 đến ngày 30/06/2025), trên địa bàn "
                           "thị trấn Cao Thượng, ")
    assert "trên Thị trấn" not in text


def test_the_whole_area_is_the_directorys_top_unit_when_there_is_one(vi):
    assert "trên địa bàn huyện Tân Yên," in narrative(figures(Counts(delivered=1),
                                                              area="Huyện Tân Yên"), vi)
    assert "trên toàn địa bàn," in narrative(figures(Counts(delivered=1)), vi)


def test_zero_sentences_are_left_out_and_escalations_go_to_the_duty_desk(vi):
    text = narrative(figures(Counts(tips=3, tips_residents=3, tips_escalated=2)), vi)
    assert "2 tin chuyển trực ban" in text
    assert "0 tin được chuyển" not in text and "0 hội nghị" not in text
    text = narrative(figures(Counts(tips=3, tips_residents=3, tips_moved=1)), vi)
    assert "1 tin được chuyển đơn vị có thẩm quyền" in text and "trực ban" not in text


def test_team_reports_are_not_counted_as_the_peoples(vi):
    text = narrative(figures(Counts(tips=5, tips_residents=3, tips_team=2, valuable=1)), vi)
    assert "5 nguồn tin qua chatbot (3 tin báo, tố giác của Nhân dân và 2 báo cáo vụ việc" in text
    only = narrative(figures(Counts(tips=3, tips_residents=3, valuable=1)), vi)
    assert "tiếp nhận 3 tin báo, tố giác của Nhân dân" in only


def test_zalo_reads_are_in_the_report(vi):
    text = narrative(figures(Counts(delivered=9, delivery_failed=1, zalo_reads=1234)), vi)
    assert "1.234 lượt xem bản tin trên Zalo" in text


def test_a_limit_is_written_with_thousands_and_phai(vi):
    leaflets = BY_SLUG["leaflets"]
    with pytest.raises(ActivityError) as caught:
        check_count(leaflets, leaflets.limit + 1)
    assert vi.explain(caught.value) == (
        "Số lượng phải từ 1 đến 500.000 cho một lần ghi nhận. Đồng chí kiểm tra lại.")


def test_channels_are_named(vi):
    assert [vi.channel(c) for c in ("telegram", "zalo_oa", "zalo_bot")] == [
        "Telegram", "Zalo OA", "Zalo Bot"]
