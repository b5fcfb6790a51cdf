"""The app's response class: a body always encodes, whatever text reached it.

Text is checked where it enters (``app.input_values``), and what was stored before that is made printable where it
is shown; this is the last line behind both, so a page never fails at its very end on an unencodable character
(a lone surrogate becomes "?"), after the view did its work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response


def _encoded(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        return text.encode(errors="replace")


class AppResponse(Response):
    def set_data(self, value: bytes | str) -> None:
        super().set_data(_encoded(value) if isinstance(value, str) else value)

    def iter_encoded(self) -> Iterator[bytes]:
        return _each_encoded(self.response)


def _each_encoded(iterable: Iterable[Any]) -> Iterator[bytes]:
    for item in iterable:
        yield _encoded(item) if isinstance(item, str) else item
