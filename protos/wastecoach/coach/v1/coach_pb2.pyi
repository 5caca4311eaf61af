from protos.wastecoach.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Item(_message.Message):
    __slots__ = ("id", "name_ko", "name_en", "category", "steps", "why", "common_mistake", "source", "synonyms", "score", "tip", "tip_kind", "bin")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_KO_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    COMMON_MISTAKE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SYNONYMS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TIP_FIELD_NUMBER: _ClassVar[int]
    TIP_KIND_FIELD_NUMBER: _ClassVar[int]
    BIN_FIELD_NUMBER: _ClassVar[int]
    id: str
    name_ko: str
    name_en: str
    category: _common_pb2.Category
    steps: _containers.RepeatedScalarFieldContainer[str]
    why: str
    common_mistake: str
    source: str
    synonyms: _containers.RepeatedScalarFieldContainer[str]
    score: float
    tip: str
    tip_kind: str
    bin: str
    def __init__(self, id: _Optional[str] = ..., name_ko: _Optional[str] = ..., name_en: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.Category, _Mapping]] = ..., steps: _Optional[_Iterable[str]] = ..., why: _Optional[str] = ..., common_mistake: _Optional[str] = ..., source: _Optional[str] = ..., synonyms: _Optional[_Iterable[str]] = ..., score: _Optional[float] = ..., tip: _Optional[str] = ..., tip_kind: _Optional[str] = ..., bin: _Optional[str] = ...) -> None: ...

class Guidance(_message.Message):
    __slots__ = ("category", "steps", "why", "bin", "tip", "coaching", "item_id", "source", "composed_by")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    BIN_FIELD_NUMBER: _ClassVar[int]
    TIP_FIELD_NUMBER: _ClassVar[int]
    COACHING_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    COMPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.Category
    steps: _containers.RepeatedScalarFieldContainer[str]
    why: str
    bin: str
    tip: str
    coaching: _containers.RepeatedScalarFieldContainer[str]
    item_id: str
    source: str
    composed_by: str
    def __init__(self, category: _Optional[_Union[_common_pb2.Category, _Mapping]] = ..., steps: _Optional[_Iterable[str]] = ..., why: _Optional[str] = ..., bin: _Optional[str] = ..., tip: _Optional[str] = ..., coaching: _Optional[_Iterable[str]] = ..., item_id: _Optional[str] = ..., source: _Optional[str] = ..., composed_by: _Optional[str] = ...) -> None: ...

class ListCategoriesRequest(_message.Message):
    __slots__ = ("language",)
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    language: str
    def __init__(self, language: _Optional[str] = ...) -> None: ...

class ListCategoriesResponse(_message.Message):
    __slots__ = ("categories",)
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedCompositeFieldContainer[_common_pb2.Category]
    def __init__(self, categories: _Optional[_Iterable[_Union[_common_pb2.Category, _Mapping]]] = ...) -> None: ...

class GetGuidanceRequest(_message.Message):
    __slots__ = ("category_code", "item_id", "item_name", "flags", "hint", "language", "region_code")
    CATEGORY_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    HINT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    category_code: str
    item_id: str
    item_name: str
    flags: _common_pb2.ConditionFlags
    hint: str
    language: str
    region_code: str
    def __init__(self, category_code: _Optional[str] = ..., item_id: _Optional[str] = ..., item_name: _Optional[str] = ..., flags: _Optional[_Union[_common_pb2.ConditionFlags, _Mapping]] = ..., hint: _Optional[str] = ..., language: _Optional[str] = ..., region_code: _Optional[str] = ...) -> None: ...

class GetGuidanceResponse(_message.Message):
    __slots__ = ("guidance",)
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    guidance: Guidance
    def __init__(self, guidance: _Optional[_Union[Guidance, _Mapping]] = ...) -> None: ...

class SearchItemsRequest(_message.Message):
    __slots__ = ("query", "limit", "language", "region_code")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    query: str
    limit: int
    language: str
    region_code: str
    def __init__(self, query: _Optional[str] = ..., limit: _Optional[int] = ..., language: _Optional[str] = ..., region_code: _Optional[str] = ...) -> None: ...

class SearchItemsResponse(_message.Message):
    __slots__ = ("items", "uncertain")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    UNCERTAIN_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Item]
    uncertain: bool
    def __init__(self, items: _Optional[_Iterable[_Union[Item, _Mapping]]] = ..., uncertain: _Optional[bool] = ...) -> None: ...

class GetItemRequest(_message.Message):
    __slots__ = ("item_id", "language", "region_code")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    language: str
    region_code: str
    def __init__(self, item_id: _Optional[str] = ..., language: _Optional[str] = ..., region_code: _Optional[str] = ...) -> None: ...

class GetItemResponse(_message.Message):
    __slots__ = ("item",)
    ITEM_FIELD_NUMBER: _ClassVar[int]
    item: Item
    def __init__(self, item: _Optional[_Union[Item, _Mapping]] = ...) -> None: ...

class AskRequest(_message.Message):
    __slots__ = ("question", "language", "category_code", "item_id", "region_code")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    question: str
    language: str
    category_code: str
    item_id: str
    region_code: str
    def __init__(self, question: _Optional[str] = ..., language: _Optional[str] = ..., category_code: _Optional[str] = ..., item_id: _Optional[str] = ..., region_code: _Optional[str] = ...) -> None: ...

class AskResponse(_message.Message):
    __slots__ = ("answer", "sources", "composed_by", "uncertain")
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    COMPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    UNCERTAIN_FIELD_NUMBER: _ClassVar[int]
    answer: str
    sources: _containers.RepeatedCompositeFieldContainer[Item]
    composed_by: str
    uncertain: bool
    def __init__(self, answer: _Optional[str] = ..., sources: _Optional[_Iterable[_Union[Item, _Mapping]]] = ..., composed_by: _Optional[str] = ..., uncertain: _Optional[bool] = ...) -> None: ...

class ClarifyRequest(_message.Message):
    __slots__ = ("category_probs", "uncertain", "item_name", "flags", "hint", "language", "region_code")
    class CategoryProbsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    CATEGORY_PROBS_FIELD_NUMBER: _ClassVar[int]
    UNCERTAIN_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    HINT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    category_probs: _containers.ScalarMap[str, float]
    uncertain: bool
    item_name: str
    flags: _common_pb2.ConditionFlags
    hint: str
    language: str
    region_code: str
    def __init__(self, category_probs: _Optional[_Mapping[str, float]] = ..., uncertain: _Optional[bool] = ..., item_name: _Optional[str] = ..., flags: _Optional[_Union[_common_pb2.ConditionFlags, _Mapping]] = ..., hint: _Optional[str] = ..., language: _Optional[str] = ..., region_code: _Optional[str] = ...) -> None: ...

class ChoiceGuidance(_message.Message):
    __slots__ = ("choice_id", "guidance", "item_name_ko", "item_name_en")
    CHOICE_ID_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_KO_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    choice_id: str
    guidance: Guidance
    item_name_ko: str
    item_name_en: str
    def __init__(self, choice_id: _Optional[str] = ..., guidance: _Optional[_Union[Guidance, _Mapping]] = ..., item_name_ko: _Optional[str] = ..., item_name_en: _Optional[str] = ...) -> None: ...

class ClarifyResponse(_message.Message):
    __slots__ = ("guidance", "question", "choices", "confidence", "alternatives", "item_name_ko", "item_name_en")
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    ALTERNATIVES_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_KO_FIELD_NUMBER: _ClassVar[int]
    ITEM_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    guidance: Guidance
    question: _common_pb2.Question
    choices: _containers.RepeatedCompositeFieldContainer[ChoiceGuidance]
    confidence: float
    alternatives: _containers.RepeatedCompositeFieldContainer[CategoryScore]
    item_name_ko: str
    item_name_en: str
    def __init__(self, guidance: _Optional[_Union[Guidance, _Mapping]] = ..., question: _Optional[_Union[_common_pb2.Question, _Mapping]] = ..., choices: _Optional[_Iterable[_Union[ChoiceGuidance, _Mapping]]] = ..., confidence: _Optional[float] = ..., alternatives: _Optional[_Iterable[_Union[CategoryScore, _Mapping]]] = ..., item_name_ko: _Optional[str] = ..., item_name_en: _Optional[str] = ...) -> None: ...

class CategoryScore(_message.Message):
    __slots__ = ("code", "score")
    CODE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    code: str
    score: float
    def __init__(self, code: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...
