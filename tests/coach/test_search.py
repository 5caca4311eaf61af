"""Search: the pure scorer, and the SQL candidates + scorer on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mesh.db import create_engine, session_factory
from mesh.migrate import upgrade_async
from svc_coach.component import MIGRATIONS
from svc_coach.hangul import edit_distance, index_grams, infix_distance, jamo, normalize
from svc_coach.repo import CoachRepo
from svc_coach.search import rank

EXPECTED_FIRST = [
    ("피자박스", "pizza_box"),
    ("피자 박스", "pizza_box"),
    ("영수증", "thermal_receipt"),
    ("컵라면 용기", "cup_noodle_container"),
    ("부탄가스", "butane_can"),
    ("멸균팩", "aseptic_carton"),
    ("깨진 유리", "broken_glass"),
    # typos, decided at jamo level
    ("피지박스", "pizza_box"),
    ("영수쯩", "thermal_receipt"),
    ("부탄까스", "butane_can"),
    # English names and synonyms
    ("pizza box", "pizza_box"),
    ("Pizza-Box", "pizza_box"),
    ("receipt", "thermal_receipt"),
    ("butane", "butane_can"),
    ("tetra pak", "aseptic_carton"),
    ("두유팩", "aseptic_carton"),
    ("계란껍질", "egg_shells"),
    ("치킨뼈", "animal_bones"),
    ("파이렉스", "heat_resistant_glass"),
    # partial words and a question around the name
    ("컵라면", "cup_noodle_container"),
    ("피자박스 어떻게 버려요", "pizza_box"),
]


def test_normalize_folds_width_case_and_spacing():
    assert normalize("피자 박스") == normalize("피자박스") == "피자박스"
    assert normalize("ＰＩＺＺＡ  Box") == "pizzabox"
    # NFD input (macOS file names, some keyboards) composes to the same syllables.
    import unicodedata

    assert normalize(unicodedata.normalize("NFD", "영수증")) == "영수증"


def test_jamo_decomposition_is_arithmetic():
    assert jamo("각") == "ㄱㅏㄱ"
    assert jamo("피자") == "ㅍㅣㅈㅏ"
    assert jamo("a가") == "aㄱㅏ"
    assert edit_distance(jamo("영수쯩"), jamo("영수증")) == 1
    assert infix_distance(jamo("수쯩"), jamo("카드영수증")) == 1


@pytest.fixture(scope="module")
def all_candidates(kb):
    from svc_coach.search import Candidate

    return [Candidate(n, i, kb.items[i].terms()) for n, i in enumerate(sorted(kb.items), 1)]


@pytest.mark.parametrize(("query", "item_id"), EXPECTED_FIRST)
def test_pure_ranking_puts_the_right_item_first(all_candidates, query, item_id):
    hits = rank(query, all_candidates, 5)
    assert hits and hits[0].item_id == item_id, hits
    assert 0 < hits[0].score <= 1


def test_scores_are_ordered_and_exact_beats_typo(all_candidates):
    exact = rank("피자박스", all_candidates, 5)
    typo = rank("피지박스", all_candidates, 5)
    assert [h.score for h in exact] == sorted((h.score for h in exact), reverse=True)
    assert exact[0].score == 1.0 > typo[0].score


def test_nonsense_finds_nothing(all_candidates):
    assert rank("qqqzzz", all_candidates, 5) == []


async def _seeded_repo(url: str, kb) -> AsyncIterator[CoachRepo]:
    await upgrade_async(url, MIGRATIONS, "alembic_version_coach")
    engine = create_engine(url)
    repo = CoachRepo(session_factory(engine))
    await repo.seed(kb)
    try:
        yield repo
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def sqlite_repo(kb, tmp_path_factory) -> AsyncIterator[CoachRepo]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('coach') / 'coach.sqlite3'}"
    async for repo in _seeded_repo(url, kb):
        yield repo


@pytest.fixture(scope="module")
async def pg_repo(kb, coach_pg_url) -> AsyncIterator[CoachRepo]:
    async for repo in _seeded_repo(coach_pg_url, kb):
        yield repo


async def _search(repo: CoachRepo, query: str, limit: int = 5):
    return rank(query, await repo.candidates(index_grams(query), 40), limit)


@pytest.mark.parametrize(("query", "item_id"), EXPECTED_FIRST)
async def test_sqlite_search_puts_the_right_item_first(sqlite_repo, query, item_id):
    hits = await _search(sqlite_repo, query)
    assert hits and hits[0].item_id == item_id, hits


@pytest.mark.postgres
@pytest.mark.parametrize(("query", "item_id"), EXPECTED_FIRST)
async def test_postgres_search_puts_the_right_item_first(pg_repo, query, item_id):
    hits = await _search(pg_repo, query)
    assert hits and hits[0].item_id == item_id, hits


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query", ["피자박스", "유리", "병", "플라스틱", "bottle", "껍질", "가", "영수쯩 버리기"]
)
async def test_both_dialects_rank_identically(sqlite_repo, pg_repo, query):
    assert await _search(sqlite_repo, query, 20) == await _search(pg_repo, query, 20)


async def test_seeding_is_idempotent_and_follows_the_digest(sqlite_repo, kb):
    assert await sqlite_repo.seed(kb) is False
    changed = type(kb)(kb.categories, kb.items, kb.regions, "0" * 64)
    assert await sqlite_repo.seed(changed) is True
    assert await sqlite_repo.seeded_digest() == "0" * 64
    assert await sqlite_repo.seed(kb) is True
    assert (await _search(sqlite_repo, "피자박스"))[0].item_id == "pizza_box"
