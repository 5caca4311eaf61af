from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

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
