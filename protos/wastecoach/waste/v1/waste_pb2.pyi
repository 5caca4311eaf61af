import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from protos.wastecoach.common.v1 import common_pb2 as _common_pb2
from protos.wastecoach.locations.v1 import locations_pb2 as _locations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ScanStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCAN_STATUS_UNSPECIFIED: _ClassVar[ScanStatus]
    SCAN_STATUS_QUEUED: _ClassVar[ScanStatus]
    SCAN_STATUS_PROCESSING: _ClassVar[ScanStatus]
    SCAN_STATUS_DONE: _ClassVar[ScanStatus]
    SCAN_STATUS_FAILED: _ClassVar[ScanStatus]
SCAN_STATUS_UNSPECIFIED: ScanStatus
SCAN_STATUS_QUEUED: ScanStatus
SCAN_STATUS_PROCESSING: ScanStatus
SCAN_STATUS_DONE: ScanStatus
SCAN_STATUS_FAILED: ScanStatus

class Alternative(_message.Message):
    __slots__ = ("code", "confidence")
    CODE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    code: str
    confidence: float
    def __init__(self, code: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...

class Disposal(_message.Message):
    __slots__ = ("steps", "why", "bin", "tip")
    STEPS_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    BIN_FIELD_NUMBER: _ClassVar[int]
    TIP_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedScalarFieldContainer[str]
    why: str
    bin: str
    tip: str
    def __init__(self, steps: _Optional[_Iterable[str]] = ..., why: _Optional[str] = ..., bin: _Optional[str] = ..., tip: _Optional[str] = ...) -> None: ...

class NearbyPlace(_message.Message):
    __slots__ = ("id", "name", "kind", "lat", "lon", "distance_m", "accepts", "address", "map_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_M_FIELD_NUMBER: _ClassVar[int]
    ACCEPTS_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    MAP_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    distance_m: float
    accepts: _containers.RepeatedScalarFieldContainer[str]
    address: str
    map_url: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., distance_m: _Optional[float] = ..., accepts: _Optional[_Iterable[str]] = ..., address: _Optional[str] = ..., map_url: _Optional[str] = ...) -> None: ...

class ScanResult(_message.Message):
    __slots__ = ("category", "item", "material", "confidence", "alternatives", "disposal", "coaching", "nearby", "needs_confirmation", "provider", "model", "flags", "item_id", "item_ko", "question", "outcomes", "answer", "drop_offs")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    ALTERNATIVES_FIELD_NUMBER: _ClassVar[int]
    DISPOSAL_FIELD_NUMBER: _ClassVar[int]
    COACHING_FIELD_NUMBER: _ClassVar[int]
    NEARBY_FIELD_NUMBER: _ClassVar[int]
    NEEDS_CONFIRMATION_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_KO_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    DROP_OFFS_FIELD_NUMBER: _ClassVar[int]
    category: _common_pb2.Category
    item: str
    material: str
    confidence: float
    alternatives: _containers.RepeatedCompositeFieldContainer[Alternative]
    disposal: Disposal
    coaching: _containers.RepeatedScalarFieldContainer[str]
    nearby: _containers.RepeatedCompositeFieldContainer[NearbyPlace]
    needs_confirmation: bool
    provider: str
    model: str
    flags: _common_pb2.ConditionFlags
    item_id: str
    item_ko: str
    question: _common_pb2.Question
    outcomes: _containers.RepeatedCompositeFieldContainer[ChoiceOutcome]
    answer: ScanAnswer
    drop_offs: _containers.RepeatedCompositeFieldContainer[_locations_pb2.DropOff]
    def __init__(self, category: _Optional[_Union[_common_pb2.Category, _Mapping]] = ..., item: _Optional[str] = ..., material: _Optional[str] = ..., confidence: _Optional[float] = ..., alternatives: _Optional[_Iterable[_Union[Alternative, _Mapping]]] = ..., disposal: _Optional[_Union[Disposal, _Mapping]] = ..., coaching: _Optional[_Iterable[str]] = ..., nearby: _Optional[_Iterable[_Union[NearbyPlace, _Mapping]]] = ..., needs_confirmation: _Optional[bool] = ..., provider: _Optional[str] = ..., model: _Optional[str] = ..., flags: _Optional[_Union[_common_pb2.ConditionFlags, _Mapping]] = ..., item_id: _Optional[str] = ..., item_ko: _Optional[str] = ..., question: _Optional[_Union[_common_pb2.Question, _Mapping]] = ..., outcomes: _Optional[_Iterable[_Union[ChoiceOutcome, _Mapping]]] = ..., answer: _Optional[_Union[ScanAnswer, _Mapping]] = ..., drop_offs: _Optional[_Iterable[_Union[_locations_pb2.DropOff, _Mapping]]] = ...) -> None: ...

class ChoiceOutcome(_message.Message):
    __slots__ = ("choice_id", "category", "item", "item_ko", "item_id", "disposal", "coaching", "nearby", "drop_offs")
    CHOICE_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    ITEM_KO_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    DISPOSAL_FIELD_NUMBER: _ClassVar[int]
    COACHING_FIELD_NUMBER: _ClassVar[int]
    NEARBY_FIELD_NUMBER: _ClassVar[int]
    DROP_OFFS_FIELD_NUMBER: _ClassVar[int]
    choice_id: str
    category: _common_pb2.Category
    item: str
    item_ko: str
    item_id: str
    disposal: Disposal
    coaching: _containers.RepeatedScalarFieldContainer[str]
    nearby: _containers.RepeatedCompositeFieldContainer[NearbyPlace]
    drop_offs: _containers.RepeatedCompositeFieldContainer[_locations_pb2.DropOff]
    def __init__(self, choice_id: _Optional[str] = ..., category: _Optional[_Union[_common_pb2.Category, _Mapping]] = ..., item: _Optional[str] = ..., item_ko: _Optional[str] = ..., item_id: _Optional[str] = ..., disposal: _Optional[_Union[Disposal, _Mapping]] = ..., coaching: _Optional[_Iterable[str]] = ..., nearby: _Optional[_Iterable[_Union[NearbyPlace, _Mapping]]] = ..., drop_offs: _Optional[_Iterable[_Union[_locations_pb2.DropOff, _Mapping]]] = ...) -> None: ...

class ScanAnswer(_message.Message):
    __slots__ = ("question_id", "choice_id", "predicted_category", "answered_at")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CHOICE_ID_FIELD_NUMBER: _ClassVar[int]
    PREDICTED_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    choice_id: str
    predicted_category: str
    answered_at: _timestamp_pb2.Timestamp
    def __init__(self, question_id: _Optional[str] = ..., choice_id: _Optional[str] = ..., predicted_category: _Optional[str] = ..., answered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Scan(_message.Message):
    __slots__ = ("scan_id", "user_id", "status", "created_at", "updated_at", "result", "error_code", "error_message", "lat", "lon", "hint", "language", "image_key", "version", "attempts")
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    HINT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    user_id: str
    status: ScanStatus
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    result: ScanResult
    error_code: str
    error_message: str
    lat: float
    lon: float
    hint: str
    language: str
    image_key: str
    version: int
    attempts: int
    def __init__(self, scan_id: _Optional[str] = ..., user_id: _Optional[str] = ..., status: _Optional[_Union[ScanStatus, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., result: _Optional[_Union[ScanResult, _Mapping]] = ..., error_code: _Optional[str] = ..., error_message: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., hint: _Optional[str] = ..., language: _Optional[str] = ..., image_key: _Optional[str] = ..., version: _Optional[int] = ..., attempts: _Optional[int] = ...) -> None: ...

class CreateScanRequest(_message.Message):
    __slots__ = ("image", "image_key", "content_type", "lat", "lon", "hint", "idempotency_key", "language")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    HINT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    image_key: str
    content_type: str
    lat: float
    lon: float
    hint: str
    idempotency_key: str
    language: str
    def __init__(self, image: _Optional[bytes] = ..., image_key: _Optional[str] = ..., content_type: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., hint: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., language: _Optional[str] = ...) -> None: ...

class CreateScanResponse(_message.Message):
    __slots__ = ("scan", "created")
    SCAN_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    created: bool
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetScanRequest(_message.Message):
    __slots__ = ("scan_id",)
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    def __init__(self, scan_id: _Optional[str] = ...) -> None: ...

class GetScanResponse(_message.Message):
    __slots__ = ("scan",)
    SCAN_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ...) -> None: ...

class ListScansRequest(_message.Message):
    __slots__ = ("cursor", "limit")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    limit: int
    def __init__(self, cursor: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListScansResponse(_message.Message):
    __slots__ = ("scans", "next_cursor")
    SCANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    scans: _containers.RepeatedCompositeFieldContainer[Scan]
    next_cursor: str
    def __init__(self, scans: _Optional[_Iterable[_Union[Scan, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class CreateUploadRequest(_message.Message):
    __slots__ = ("content_type", "size")
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    content_type: str
    size: int
    def __init__(self, content_type: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...

class CreateUploadResponse(_message.Message):
    __slots__ = ("upload_url", "image_key", "expires_at", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    UPLOAD_URL_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    upload_url: str
    image_key: str
    expires_at: _timestamp_pb2.Timestamp
    headers: _containers.ScalarMap[str, str]
    def __init__(self, upload_url: _Optional[str] = ..., image_key: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class DeleteUserScansRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteUserScansResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    def __init__(self, deleted: _Optional[int] = ...) -> None: ...

class StartProcessingRequest(_message.Message):
    __slots__ = ("scan_id", "attempt", "reclassify")
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    RECLASSIFY_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    attempt: int
    reclassify: bool
    def __init__(self, scan_id: _Optional[str] = ..., attempt: _Optional[int] = ..., reclassify: _Optional[bool] = ...) -> None: ...

class StartProcessingResponse(_message.Message):
    __slots__ = ("scan", "already_finished", "image", "content_type")
    SCAN_FIELD_NUMBER: _ClassVar[int]
    ALREADY_FINISHED_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    already_finished: bool
    image: bytes
    content_type: str
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ..., already_finished: _Optional[bool] = ..., image: _Optional[bytes] = ..., content_type: _Optional[str] = ...) -> None: ...

class GetScanImageRequest(_message.Message):
    __slots__ = ("scan_id",)
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    def __init__(self, scan_id: _Optional[str] = ...) -> None: ...

class GetScanImageResponse(_message.Message):
    __slots__ = ("image", "content_type")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    content_type: str
    def __init__(self, image: _Optional[bytes] = ..., content_type: _Optional[str] = ...) -> None: ...

class CompleteScanRequest(_message.Message):
    __slots__ = ("scan_id", "result")
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    result: ScanResult
    def __init__(self, scan_id: _Optional[str] = ..., result: _Optional[_Union[ScanResult, _Mapping]] = ...) -> None: ...

class CompleteScanResponse(_message.Message):
    __slots__ = ("scan", "completed_now")
    SCAN_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_NOW_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    completed_now: bool
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ..., completed_now: _Optional[bool] = ...) -> None: ...

class FailScanRequest(_message.Message):
    __slots__ = ("scan_id", "error_code", "error_message")
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    error_code: str
    error_message: str
    def __init__(self, scan_id: _Optional[str] = ..., error_code: _Optional[str] = ..., error_message: _Optional[str] = ...) -> None: ...

class FailScanResponse(_message.Message):
    __slots__ = ("scan",)
    SCAN_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ...) -> None: ...

class ExpireImagesRequest(_message.Message):
    __slots__ = ("retention_days", "limit")
    RETENTION_DAYS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    retention_days: int
    limit: int
    def __init__(self, retention_days: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class ExpireImagesResponse(_message.Message):
    __slots__ = ("expired",)
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    expired: int
    def __init__(self, expired: _Optional[int] = ...) -> None: ...

class ListScansForReclassificationRequest(_message.Message):
    __slots__ = ("current_model", "limit")
    CURRENT_MODEL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    current_model: str
    limit: int
    def __init__(self, current_model: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListScansForReclassificationResponse(_message.Message):
    __slots__ = ("scan_ids",)
    SCAN_IDS_FIELD_NUMBER: _ClassVar[int]
    scan_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, scan_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AnswerScanRequest(_message.Message):
    __slots__ = ("scan_id", "question_id", "choice_id")
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CHOICE_ID_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    question_id: str
    choice_id: str
    def __init__(self, scan_id: _Optional[str] = ..., question_id: _Optional[str] = ..., choice_id: _Optional[str] = ...) -> None: ...

class AnswerScanResponse(_message.Message):
    __slots__ = ("scan",)
    SCAN_FIELD_NUMBER: _ClassVar[int]
    scan: Scan
    def __init__(self, scan: _Optional[_Union[Scan, _Mapping]] = ...) -> None: ...

class Feedback(_message.Message):
    __slots__ = ("scan_id", "image_key", "predicted_category", "chosen_category", "question_id", "choice_id", "model", "answered_at")
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    PREDICTED_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHOSEN_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    CHOICE_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    scan_id: str
    image_key: str
    predicted_category: str
    chosen_category: str
    question_id: str
    choice_id: str
    model: str
    answered_at: _timestamp_pb2.Timestamp
    def __init__(self, scan_id: _Optional[str] = ..., image_key: _Optional[str] = ..., predicted_category: _Optional[str] = ..., chosen_category: _Optional[str] = ..., question_id: _Optional[str] = ..., choice_id: _Optional[str] = ..., model: _Optional[str] = ..., answered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListFeedbackRequest(_message.Message):
    __slots__ = ("cursor", "limit")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    limit: int
    def __init__(self, cursor: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListFeedbackResponse(_message.Message):
    __slots__ = ("feedback", "next_cursor")
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    feedback: _containers.RepeatedCompositeFieldContainer[Feedback]
    next_cursor: str
    def __init__(self, feedback: _Optional[_Iterable[_Union[Feedback, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...
