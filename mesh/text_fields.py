"""Finds a NUL character in a request's text: PostgreSQL text cannot store one, so every RPC refuses
it at the door (INVALID_ARGUMENT) instead of failing in the database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message


def _nul_in(values: Iterable[Any], path: str) -> str | None:
    for value in values:
        if isinstance(value, str) and "\x00" in value:
            return path
        if isinstance(value, Message) and (found := nul_field(value, f"{path}.")):
            return found
    return None


def nul_field(message: Message, prefix: str = "") -> str | None:
    """The path of the first string (nested, repeated or map field too) that holds a NUL, else None."""
    for field, value in message.ListFields():
        if field.type not in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_MESSAGE):
            continue  # bytes (a photo) and numbers never reach a text column
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
            values: Iterable[Any] = (part for pair in value.items() for part in pair)
        else:
            values = value if field.is_repeated else (value,)
        if found := _nul_in(values, f"{prefix}{field.name}"):
            return found
    return None
