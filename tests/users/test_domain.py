from datetime import UTC, date, datetime, timedelta

import pytest

from mesh import paging
from mesh.errors import InvalidInput
from svc_users import domain


def test_streak_counts_consecutive_days_ending_today_or_yesterday():
    today = date(2026, 11, 22)
    days = {today, today - timedelta(days=1), today - timedelta(days=2), today - timedelta(days=5)}
    assert domain.streak_days(days, today) == 3
    assert domain.streak_days(days - {today}, today) == 2  # yesterday keeps the streak alive
    assert domain.streak_days({today - timedelta(days=2)}, today) == 0


def test_stats_use_seoul_days_and_award_points():
    # 23:30 UTC on the 21st is already the 22nd in Seoul.
    times = [datetime(2026, 11, 21, 23, 30, tzinfo=UTC), datetime(2026, 11, 21, 1, 0, tzinfo=UTC)]
    stats = domain.compute_stats(
        times, {"paper": 1, "glass": 1}, datetime(2026, 11, 22, 3, tzinfo=UTC), "Asia/Seoul"
    )
    assert stats.streak_days == 2
    assert stats.total_scans == 2
    assert stats.points == 2 * domain.POINTS_PER_SCAN + 2 * domain.POINTS_PER_STREAK_DAY
    with pytest.raises(InvalidInput):
        domain.compute_stats([], {}, datetime.now(UTC), "Mars/Olympus")


def test_cursor_round_trip_and_garbage():
    when = datetime(2026, 1, 2, tzinfo=UTC)
    assert paging.decode_cursor(paging.encode_cursor(when, "s1")) == (when, "s1")
    assert paging.decode_cursor("") is None
    with pytest.raises(InvalidInput):
        paging.decode_cursor("not-a-cursor!!")
    assert paging.page_size(0) == paging.DEFAULT_PAGE and paging.page_size(1000) == paging.MAX_PAGE


def test_a_cursor_comes_back_in_utc_and_crafted_ones_are_refused():
    from tests.edge.test_edge_bad_input import CRAFTED_CURSORS, cursor

    assert paging.decode_cursor(cursor("2026-01-02T09:00:00+09:00", "s1")) == (
        datetime(2026, 1, 2, tzinfo=UTC),
        "s1",
    )
    for name, crafted in CRAFTED_CURSORS.items():
        with pytest.raises(InvalidInput):
            paging.decode_cursor(crafted)
            pytest.fail(name)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 33, "a\x00b"])
def test_nickname_rules(bad):
    with pytest.raises(InvalidInput):
        domain.clean_nickname(bad)
    assert domain.clean_nickname("  김  민수 ") == "김 민수"


def test_region_and_language():
    assert domain.clean_region("11440") == "11440"
    assert domain.clean_region("") == ""
    with pytest.raises(InvalidInput):
        domain.clean_region("1144")
    with pytest.raises(InvalidInput):
        domain.clean_language("fr")
