"""Model fields that store any text a person can type or paste, NUL included.

PostgreSQL's text and jsonb types refuse the NUL character (``\\x00``), which any editor can
send over sync and which then reaches versions, the assistant's before/after versions,
pinned publications and chat messages (DataError). These fields escape it reversibly on the
way in and restore it on the way out, on every database, so what is stored reads back
exactly. U+E000 (a private-use character) is the escape: ``\\x00`` → U+E000 "0" and
U+E000 itself → U+E000 "1".
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

_ESCAPE = "\ue000"
_ESCAPED = re.compile(f"{_ESCAPE}([01])")


def escape_nul(value: str) -> str:
    if "\x00" not in value and _ESCAPE not in value:
        return value
    return value.replace(_ESCAPE, _ESCAPE + "1").replace("\x00", _ESCAPE + "0")


def unescape_nul(value: str) -> str:
    if _ESCAPE not in value:
        return value
    return _ESCAPED.sub(lambda m: "\x00" if m.group(1) == "0" else _ESCAPE, value)


def _deep(value: Any, convert) -> Any:
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, list):
        return [_deep(item, convert) for item in value]
    if isinstance(value, dict):
        return {_deep(key, convert): _deep(item, convert) for key, item in value.items()}
    return value


class NulSafeTextField(models.TextField):
    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return escape_nul(value) if isinstance(value, str) else value

    def from_db_value(self, value: Any, expression, connection) -> Any:
        return unescape_nul(value) if isinstance(value, str) else value


class NulSafeJSONField(models.JSONField):
    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(_deep(value, escape_nul))

    def from_db_value(self, value: Any, expression, connection) -> Any:
        return _deep(super().from_db_value(value, expression, connection), unescape_nul)
