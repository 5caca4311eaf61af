"""How a question is reduced to what it names."""

from __future__ import annotations

from svc_coach.query import chosung, fold, is_chosung, parse

VOCABULARY = frozenset(
    {"치킨뼈", "옷", "캔", "유리병", "파이렉스", "유리", "용기", "약", "형광등", "백열전구"}
)


def test_question_and_bin_words_are_dropped():
    assert parse("치킨뼈 음식물쓰레기에 버려도 돼?", VOCABULARY).tokens == ("치킨뼈",)
    assert parse("캔 어디에 버려", VOCABULARY).tokens == ("캔",)
    assert parse("약 버리는 곳", VOCABULARY).tokens == ("약",)
    assert parse("페인트버리는법", VOCABULARY).text == "페인트"


def test_particles_come_off_known_words_only():
    assert parse("옷은", VOCABULARY).tokens == ("옷",)
    # 포도 is not 포 + 도: an unknown word keeps its ending.
    assert parse("포도", VOCABULARY).tokens == ("포도",)


def test_a_word_that_names_the_bin_is_not_the_item():
    assert parse("파이렉스 유리 용기 유리병이랑 같이 버려도 돼?", VOCABULARY).tokens == (
        "파이렉스",
        "유리",
        "용기",
    )
    assert parse("백열전구도 형광등 수거함에 넣어요?", VOCABULARY).tokens == ("백열전구",)


def test_the_bin_alone_is_kept_when_nothing_else_is_named():
    assert parse("음식물 쓰레기", VOCABULARY).text == "음식물쓰레기"


def test_modifiers_fold_to_one_word():
    assert fold("초록색 사이다 페트병") == "유색 사이다 페트병"
    assert parse("코팅된 전단지", VOCABULARY).modifiers == {"코팅"}
    assert parse("깨진 유리컵", VOCABULARY).modifiers == {"깨진", "유리"}


def test_chosung():
    assert is_chosung("ㅍㅌㅂ") and not is_chosung("페트병") and not is_chosung("")
    assert chosung("페트병") == "ㅍㅌㅂ"
    assert parse("ㅂㅈ ㅂㅌㄹ", VOCABULARY).chosung and parse("ㅂㅈ ㅂㅌㄹ", VOCABULARY).text == "ㅂㅈㅂㅌㄹ"
