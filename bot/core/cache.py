"""A least-recently-used cache bounded by the bytes its entries take, not by how many there are."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# What one entry costs beyond its key and value: the ordered dict's slot and links, the stored pair.
ENTRY_OVERHEAD = 160


def text_size(text: str) -> int:
    """Bytes a str object takes (one, two or four per character, as CPython stores it)."""
    return sys.getsizeof(text)


def strings_size(strings: Iterable[str]) -> int:
    """Bytes of a collection of strings and of the strings in it."""
    return sys.getsizeof(strings) + sum(sys.getsizeof(s) for s in strings)


class ByteBoundedCache(Generic[K, V]):
    """Maps keys to values, forgetting the least recently used entries past `max_bytes`; thread-safe.

    `size(key, value)` estimates an entry's bytes; an entry larger than the whole bound is not kept.
    """

    def __init__(self, max_bytes: int, size: Callable[[K, V], int]) -> None:
        self.max_bytes = max_bytes
        self._size = size
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The cached value, or None; a hit counts as a use."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: K, value: V) -> None:
        """Remember the value, then forget the least recently used entries until the bound holds."""
        cost = self._size(key, value) + ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes:
                _, (_, gone) = self._entries.popitem(last=False)
                self._bytes -= gone

    @property
    def bytes(self) -> int:
        """The estimated bytes of the entries held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)
