from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Category(_message.Message):
    __slots__ = ("code", "name_ko", "name_en")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_KO_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    code: str
    name_ko: str
    name_en: str
    def __init__(self, code: _Optional[str] = ..., name_ko: _Optional[str] = ..., name_en: _Optional[str] = ...) -> None: ...

class ConditionFlags(_message.Message):
    __slots__ = ("residue", "label_attached", "cap_on", "mixed_materials", "broken")
    RESIDUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_ATTACHED_FIELD_NUMBER: _ClassVar[int]
    CAP_ON_FIELD_NUMBER: _ClassVar[int]
    MIXED_MATERIALS_FIELD_NUMBER: _ClassVar[int]
    BROKEN_FIELD_NUMBER: _ClassVar[int]
    residue: bool
    label_attached: bool
    cap_on: bool
    mixed_materials: bool
    broken: bool
    def __init__(self, residue: _Optional[bool] = ..., label_attached: _Optional[bool] = ..., cap_on: _Optional[bool] = ..., mixed_materials: _Optional[bool] = ..., broken: _Optional[bool] = ...) -> None: ...

class Choice(_message.Message):
    __slots__ = ("id", "label", "category", "item_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    label: str
    category: Category
    item_id: str
    def __init__(self, id: _Optional[str] = ..., label: _Optional[str] = ..., category: _Optional[_Union[Category, _Mapping]] = ..., item_id: _Optional[str] = ...) -> None: ...

class Question(_message.Message):
    __slots__ = ("id", "text", "choices")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    choices: _containers.RepeatedCompositeFieldContainer[Choice]
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., choices: _Optional[_Iterable[_Union[Choice, _Mapping]]] = ...) -> None: ...
