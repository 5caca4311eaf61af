"""Pure: how people ask, reduced to what they name.

"치킨뼈 음식물쓰레기에 버려도 돼?" names 치킨뼈: the question words and the bin words around it are
dropped, particles come off words the knowledge base knows, and modifiers that change the bin
("초록색", "코팅된", "깨진") are folded to one canonical word so that terms and queries agree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from svc_coach.hangul import CONJOINING

# Spelled-out variants → the modifier word the knowledge base's terms use. Applied to terms too.
MODIFIER_VARIANTS = (
    ("초록색", "유색"),
    ("초록", "유색"),
    ("녹색", "유색"),
    ("갈색", "유색"),
    ("파란색", "유색"),
    ("색깔있는", "유색"),
    ("색깔", "유색"),
    ("색있는", "유색"),
    ("코팅된", "코팅"),
    ("코팅한", "코팅"),
    ("코팅지", "코팅 종이"),
    ("깨져서", "깨진"),
    ("깨졌는데", "깨진"),
    ("깨졌어", "깨진"),
    ("깨진", "깨진"),
    ("금간", "깨진"),
    ("부서진", "깨진"),
    ("스테인레스", "스테인리스"),
    ("스뎅", "스테인리스"),
    ("스텐", "스테인리스"),
    ("기름묻은", "기름"),
    ("기름 묻은", "기름"),
    ("기름진", "기름"),
)
# Modifiers that change the bin: a term that lacks one the query has is a weaker match.
MODIFIERS = ("유색", "코팅", "깨진", "유리", "스테인리스", "기름")

# Whole words that ask, not name. Checked after particles come off.
FILLER_WORDS = frozenset(
    """
    어디 어디에 어디다 어디로 어디에다 어디서 어떻게 어떡해 어케 어캐 뭐 뭐야 무슨 몇 몇번 이거 이건
    이거는 저거 그거 요거 이것 좀 제발 혹시 그냥 다 버려 버려요 버리 버릴 버려도 버리는 버리면 버린
    버려야 버리기 버리나요 버림 돼 돼요 돼? 되나요 되나 될까 될까요 되니 되냐 되는 되는지 되요 됨 안돼
    안되나요 해 해요 하나요 하는 하면 해야 방법 법 곳 데 때 거 건가요 건지 걸까 알려줘 알려주세요 알려
    궁금 궁금해요 문의 처리 처리법 처리방법 배출 배출법 배출방법 분리수거 분리배출 분리 수거 재활용
    재활용품 재활용돼 재활용되나요 수거함 쓰레기 쓰레기통 음식물쓰레기 일반쓰레기 종량제 종량제봉투
    음식물 일반 음쓰 음쓰야 음쓰에 음쓰로 일쓰 같이 함께 넣어 넣어요 넣어도 넣으면 사요 인가요 인가 이야
    야 요 에 은 는 이 가 을 를 도 나 있어 있나요 맞아 맞나요 맞죠 how where what to dispose of throw
    away trash recycle recycling do i the a it is in bin 안 입는 입던 신던 쓰는 정리 못 안입는 안쓰는
    안신는 오래된 낡은 못쓰는 쓰던 사용한 다쓴 다쓰고 헌 남은 먹다 먹던 쓰다 유효기간 유통기한 지난
    지남 지났어 분리한 분리해서 뗀 떼어낸 벗긴 부어 부어도 부으면 붓기 흘려 흘려도 흘려보내도 내려도
""".split()
)
# Question endings typed without a space ("페인트버리는법"): cut from the end of a word.
FILLER_SUFFIXES = tuple(
    sorted(
        """
        버려도돼요 버려도돼 버려도되나요 버려도될까요 버려도되니 버리는법 버리는방법 버리는곳 버리는데
        버리면돼 버리나요 버려요 버려 버리기 어떻게버려요 어떻게버려 어디에버려요 어디에버려 어디다버려
        분리수거돼요 분리수거돼 분리수거되나요 분리수거 분리배출 재활용돼요 재활용돼 재활용되나요
        음식물쓰레기야 음식물쓰레기에 음식물쓰레기로 음식물쓰레기 일반쓰레기야 일반쓰레기에 일반쓰레기로
        일반쓰레기 종량제봉투에 종량제에 인가요 이에요 예요 이야
    """.split(),
        key=len,
        reverse=True,
    )
)
# Words that name a bin or a place to put things: the word before them names the bin, not the item
# ("백열전구도 형광등 수거함에 넣어요?", "파이렉스 유리병이랑 같이 버려도 돼?").
BIN_WORDS = ("수거함", "수거함에", "수거함으로", "통에", "함에", "봉투에", "같이", "함께")
COMITATIVE = ("이랑", "하고", "랑", "와", "과")
BIN_SUFFIXES = ("수거함으로", "수거함에", "수거함")
DISPOSAL_VERBS = (
    "버려",
    "버리",
    "버릴",
    "버림",
    "내놓",
    "넣어",
    "넣으",
    "배출",
    "분리",
    "부어",
    "붓",
    "부으",
    "흘려",
    "내려",
)
PLACE_PARTICLES = ("으로", "에다가", "에다", "에", "로")
# Particles that may end a word; removed only when the rest is a word the knowledge base knows.
PARTICLES = (
    "에서",
    "으로",
    "이랑",
    "하고",
    "까지",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "도",
    "로",
    "랑",
    "의",
    "야",
    "요",
)

_SPLIT = set(" \t\r\n·・•-_/.,()[]{}'\"!?~:;&+")
_CHOSUNG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_HANGUL = (0xAC00, 0xD7A3)


@dataclass(frozen=True)
class Parsed:
    # The named words, joined without spaces (what whole-query matching compares).
    text: str
    tokens: tuple[str, ...]
    modifiers: frozenset[str]
    # Only initial consonants were typed ("ㅍㅌㅂ").
    chosung: bool


def fold(text: str) -> str:
    """NFKC, lower case, stand-alone jamo kept as typed, modifier variants folded; spaces kept."""
    folded = unicodedata.normalize("NFKC", text).lower()
    # NFKC maps a typed stand-alone letter (U+3131…) to a conjoining one; map it back.
    folded = "".join(CONJOINING.get(ch, ch) for ch in folded)
    for variant, canonical in MODIFIER_VARIANTS:
        if variant in folded:
            folded = folded.replace(variant, canonical)
    return folded


def words(text: str) -> list[str]:
    out, current = [], []
    for ch in text:
        if ch in _SPLIT or ch.isspace():
            if current:
                out.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def chosung(text: str) -> str:
    """Each Hangul syllable as its initial consonant; other characters dropped."""
    return "".join(
        _CHOSUNG[(ord(ch) - _HANGUL[0]) // 588] for ch in text if _HANGUL[0] <= ord(ch) <= _HANGUL[1]
    )


def is_chosung(text: str) -> bool:
    letters = [ch for ch in text if not ch.isspace()]
    return bool(letters) and all(ch in _CHOSUNG for ch in letters)


def _strip(word: str, vocabulary: frozenset[str]) -> str:
    if word in vocabulary:
        return word
    for suffix in FILLER_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            word = word[: -len(suffix)]
            break
    if word in vocabulary:
        return word
    for particle in PARTICLES:
        stem = word[: -len(particle)]
        if word.endswith(particle) and (stem in vocabulary or stem in FILLER_WORDS):
            return stem
    return word


def _names_bin(word: str, later: list[str]) -> bool:
    if later and later[0] in BIN_WORDS:
        return later[0] not in ("같이", "함께") or word.endswith(COMITATIVE)
    # "유리병으로 버려도 돼?", "싱크대에 기름 부어도 돼?": a word with 으로/에 in a sentence that goes on
    # to a disposal verb is where it would go, not what it is.
    if any(w.startswith(DISPOSAL_VERBS) for w in later):
        return any(word.endswith(p) and len(word) - len(p) >= 2 for p in PLACE_PARTICLES)
    return False


def _named(typed: list[str], vocabulary: frozenset[str]) -> list[str]:
    """The words that name the item: bins, fillers and particles taken away (never everything)."""
    kept: list[str] = []
    bins: list[str] = []
    for i, word in enumerate(typed):
        bin_suffix = next((s for s in BIN_SUFFIXES if word.endswith(s)), "")
        if bin_suffix:
            bins.append(word[: -len(bin_suffix)])
        elif _names_bin(word, typed[i + 1 :]):
            bins.append(_strip(word, vocabulary))
        else:
            kept.append(_strip(word, vocabulary))
    # "음식물 쓰레기" alone asks about the bin itself: keep what was typed when nothing else is left.
    return [w for w in kept if w not in FILLER_WORDS] or [w for w in bins if w] or kept or typed


def parse(query: str, vocabulary: frozenset[str]) -> Parsed:
    """`vocabulary`: every word of every knowledge-base term (folded), so particles come off known words."""
    folded = fold(query)
    if is_chosung(folded):
        letters = "".join(ch for ch in folded if not ch.isspace())
        return Parsed(letters, (letters,), frozenset(), True)
    named = _named(words(folded), vocabulary)
    text = "".join(named)
    return Parsed(text, tuple(named), frozenset(m for m in MODIFIERS if m in text), False)
