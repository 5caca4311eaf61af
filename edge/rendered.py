"""Bodies of scan polls already rendered, by ETag.

The ETag names one representation of a scan (every change bumps its version; 304s rely on it), and a
crowd re-reads the same scans every 0.5 s, so each is rendered once. Served only after the caller's
ownership check, like the cached scan it was rendered from.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

KEPT = 4096  # a done scan's body is 2-5 KB


class RenderedBodies:
    def __init__(self, kept: int = KEPT) -> None:
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._kept = kept

    def get(self, etag: str, render: Callable[[], bytes]) -> bytes:
        body = self._bodies.get(etag)
        if body is not None:
            self._bodies.move_to_end(etag)
            return body
        body = self._bodies[etag] = render()
        if len(self._bodies) > self._kept:
            self._bodies.popitem(last=False)
        return body
