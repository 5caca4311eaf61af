from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DropOff(_message.Message):
    __slots__ = ("id", "name", "kind", "lat", "lon", "distance_m", "accepts", "address", "opening_hours", "source", "licence", "map_url", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_M_FIELD_NUMBER: _ClassVar[int]
    ACCEPTS_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    LICENCE_FIELD_NUMBER: _ClassVar[int]
    MAP_URL_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    distance_m: float
    accepts: _containers.RepeatedScalarFieldContainer[str]
    address: str
    opening_hours: str
    source: str
    licence: str
    map_url: str
    updated_at: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., distance_m: _Optional[float] = ..., accepts: _Optional[_Iterable[str]] = ..., address: _Optional[str] = ..., opening_hours: _Optional[str] = ..., source: _Optional[str] = ..., licence: _Optional[str] = ..., map_url: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class FindNearbyRequest(_message.Message):
    __slots__ = ("lat", "lon", "category", "radius_m", "limit")
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RADIUS_M_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    lat: float
    lon: float
    category: str
    radius_m: int
    limit: int
    def __init__(self, lat: _Optional[float] = ..., lon: _Optional[float] = ..., category: _Optional[str] = ..., radius_m: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class FindNearbyResponse(_message.Message):
    __slots__ = ("locations",)
    LOCATIONS_FIELD_NUMBER: _ClassVar[int]
    locations: _containers.RepeatedCompositeFieldContainer[DropOff]
    def __init__(self, locations: _Optional[_Iterable[_Union[DropOff, _Mapping]]] = ...) -> None: ...

class GetLocationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetLocationResponse(_message.Message):
    __slots__ = ("location",)
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    location: DropOff
    def __init__(self, location: _Optional[_Union[DropOff, _Mapping]] = ...) -> None: ...

class SyncKakaoPlacesRequest(_message.Message):
    __slots__ = ("query", "lat", "lon", "radius_m", "category")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    RADIUS_M_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    query: str
    lat: float
    lon: float
    radius_m: int
    category: str
    def __init__(self, query: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., radius_m: _Optional[int] = ..., category: _Optional[str] = ...) -> None: ...

class SyncKakaoPlacesResponse(_message.Message):
    __slots__ = ("fetched", "stored")
    FETCHED_FIELD_NUMBER: _ClassVar[int]
    STORED_FIELD_NUMBER: _ClassVar[int]
    fetched: int
    stored: int
    def __init__(self, fetched: _Optional[int] = ..., stored: _Optional[int] = ...) -> None: ...

class RefreshOpenDataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RefreshOpenDataResponse(_message.Message):
    __slots__ = ("imported", "rejected")
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    imported: int
    rejected: int
    def __init__(self, imported: _Optional[int] = ..., rejected: _Optional[int] = ...) -> None: ...
