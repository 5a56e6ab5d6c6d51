"""Build-time export of the serving encoder: the packaged MiniLM traced to ONNX, fused with onnxruntime's
BERT optimizer, and a copy with its matrix weights quantized to 8-bit blocks, each checked against torch;
the one that runs faster on this machine is kept.

Only `meeting-bot index` uses this (it imports torch); serving reads the result (bot.core.embedding)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.embedding import (
    ENCODER_INFO,
    EXPORT_FORMAT,
    INPUT_NAMES,
    MODEL_NAME,
    ONNX_FILENAME,
    OUTPUT_NAME,
    TOKENIZER_FILENAME,
    EmbeddingError,
    load_tokenizer,
    mean_pool,
    onnxruntime_module,
    quiet_transformers,
    session_options,
    tokenize_batch,
)

log = logging.getLogger(__name__)

ONNX_OPSET = 17
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
_EXPORT_TOLERANCE = 1e-3
# The two graphs the export may keep (the name recorded in ENCODER_INFO's "weights"). Which is faster
# depends on the CPU: 8-bit products ran a fifth faster on one machine this was built on, float32 a tenth
# faster on another without AVX-512 (docs/performance.md), so the export times both where it runs.
FLOAT_WEIGHTS = "float32"
BLOCK_WEIGHTS = f"{QUANT_BITS}-bit symmetric blocks of {QUANT_BLOCK}, int8 products"
WEIGHTS = (FLOAT_WEIGHTS, BLOCK_WEIGHTS)
# Timed one at a time, as serving asks: texts of a question's length, in rounds that alternate the graphs.
TIMING_TEXTS = (
    "when did they meet",
    "What did Trump say about Mamdani after the Oval Office meeting?",
    "how much has con edison raised rates since 2022",
    "Did the two of them agree on anything about housing, crime or the cost of rent in New York City?",
    "who is mamdani",
    "What is the New York Affordability Compact and what would it tie federal housing grants to?",
)
TIMING_ROUNDS = 4


def _temp_path(out_dir: Path, final_name: str) -> Path:
    """Create an empty temp file in out_dir, to be os.replace()d onto final_name once complete."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final_name}.", suffix=".tmp", dir=out_dir)
    os.close(fd)
    return Path(tmp_name)


def remove_export_leftovers(out_dir: Path) -> list[Path]:
    """Delete the temp files a killed export left in out_dir (call it holding the export's lock); the
    files removed. SIGINT cleans up after itself, SIGTERM and SIGKILL do not: each left up to 160 MB."""
    found = [
        p
        for name in (ONNX_FILENAME, TOKENIZER_FILENAME, ENCODER_INFO)
        for p in Path(out_dir).glob(f".{name}.*.tmp")
    ]
    for leftover in found:
        log.info("removing %s, left by an interrupted export", leftover)
        leftover.unlink(missing_ok=True)
    return found


def export_onnx(
    model_dir: Path, out_dir: Path, weights: str | None = None, threads: int | None = None
) -> Path:
    """Export model_dir's transformer to out_dir/model.onnx (+ tokenizer.json); return the model path.

    Steps: trace to ONNX, fuse, check against torch, quantize a copy, check it again, keep the faster
    of the two on this machine (or the one `weights` names, one of WEIGHTS), then publish the files with
    the info file last (its presence says the export is complete). The graphs are timed with `threads`
    intra-op threads, as the serving encoder runs. When the 8-bit copy fails its check (or to run), the
    float32 graph, already checked, is kept unless the 8-bit one was asked for."""
    if weights is not None and weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS} or None, got {weights!r}")
    import torch
    from transformers import AutoModel

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    tokenizer_src = model_dir / TOKENIZER_FILENAME
    if not tokenizer_src.is_file():
        raise EmbeddingError(f"The model folder {model_dir} has no {TOKENIZER_FILENAME} to export.")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Eager attention traces to plain MatMul/Softmax ops, the pattern onnxruntime's fusion recognises.
    quiet_transformers()
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    # eval() on the wrapper too: the exporter restores the wrapper's own mode (recursively) after tracing.
    wrapper = _make_export_wrapper(model).eval()
    tokenizer = load_tokenizer(tokenizer_src)
    # Verify on another batch size and length than the trace example, so baked-in shapes are caught.
    check_feeds = tokenize_batch(
        tokenizer, ["Check.", "Did the exported graph keep dynamic axes?", "Yes " * 40]
    )
    with torch.inference_mode():
        reference = wrapper(*(torch.from_numpy(check_feeds[name]) for name in INPUT_NAMES)).numpy()

    temps = {name: _temp_path(out_dir, name) for name in (ONNX_FILENAME, TOKENIZER_FILENAME, ENCODER_INFO)}
    graphs = {FLOAT_WEIGHTS: temps[ONNX_FILENAME], BLOCK_WEIGHTS: _temp_path(out_dir, ONNX_FILENAME)}
    try:
        _trace(wrapper, tokenizer, graphs[FLOAT_WEIGHTS])
        fused = _fuse(graphs[FLOAT_WEIGHTS], model.config)
        _check_exported_model(graphs[FLOAT_WEIGHTS], check_feeds, reference)
        if weights != FLOAT_WEIGHTS:
            try:
                shutil.copyfile(graphs[FLOAT_WEIGHTS], graphs[BLOCK_WEIGHTS])
                _quantize(graphs[BLOCK_WEIGHTS])
                _check_quantized_model(graphs[BLOCK_WEIGHTS], check_feeds, reference)
            except Exception as exc:
                if weights == BLOCK_WEIGHTS:
                    raise
                log.warning("the 8-bit encoder graph failed (%s); keeping the float32 one", exc)
                weights = FLOAT_WEIGHTS
        timings: dict[str, float] = {}
        if weights is None:
            try:
                timings = time_graphs(graphs, tokenizer, threads)
            except Exception as exc:  # a graph onnxruntime cannot run on this CPU
                log.warning("the encoder graphs could not both be timed (%s); keeping the float32 one", exc)
                weights = FLOAT_WEIGHTS
            else:
                weights = min(timings, key=lambda w: timings[w])
        if weights != FLOAT_WEIGHTS:
            os.replace(graphs[weights], temps[ONNX_FILENAME])
        shutil.copyfile(tokenizer_src, temps[TOKENIZER_FILENAME])
        info = {"format": EXPORT_FORMAT, "model": MODEL_NAME, "fused": fused, "weights": weights}
        if timings:
            info["median_ms"] = {w: round(t, 3) for w, t in timings.items()}
        temps[ENCODER_INFO].write_text(json.dumps(info) + "\n", encoding="utf-8")
        _publish(temps, out_dir)
    finally:
        for tmp in (*temps.values(), *graphs.values()):
            tmp.unlink(missing_ok=True)  # published files were moved away: only leftovers go
    onnx_path = out_dir / ONNX_FILENAME
    log.info(
        "Exported %s to %s (%s, %s weights, %.1f MB) in %.2fs",
        MODEL_NAME,
        onnx_path,
        "fused" if fused else "not fused",
        weights,
        onnx_path.stat().st_size / 1e6,
        time.perf_counter() - started,
    )
    return onnx_path


def _trace(wrapper: Any, tokenizer: Any, path: Path) -> None:
    """Trace the wrapped model to an ONNX graph at `path`, batch and sequence axes dynamic."""
    import warnings

    import torch

    sample = ["A short example.", "A somewhat longer example sentence, used to give the tracer padded rows."]
    feeds = tokenize_batch(tokenizer, sample)
    example = tuple(torch.from_numpy(feeds[name]) for name in INPUT_NAMES)
    dynamic_axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, OUTPUT_NAME)}
    with torch.inference_mode(), warnings.catch_warnings():
        # The legacy exporter warns that it is deprecated and that shape reads are traced: expected.
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=torch.jit.TracerWarning)
        # The padding mask is built with an index op; the check against torch covers it.
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        # dynamo=False: the default dynamo exporter requires the optional `onnxscript` package.
        torch.onnx.export(
            wrapper,
            example,
            str(path),
            dynamo=False,
            opset_version=ONNX_OPSET,
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_axes=dynamic_axes,
            do_constant_folding=True,
        )


def _publish(temps: dict[str, Path], out_dir: Path) -> None:
    """Move the finished files into place, readable by all; the info file last."""
    for tmp in temps.values():
        tmp.chmod(0o644)  # mkstemp creates 0600 files; the serving process may run as another user
    (out_dir / ENCODER_INFO).unlink(missing_ok=True)
    os.replace(temps[TOKENIZER_FILENAME], out_dir / TOKENIZER_FILENAME)
    os.replace(temps[ONNX_FILENAME], out_dir / ONNX_FILENAME)
    os.replace(temps[ENCODER_INFO], out_dir / ENCODER_INFO)


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
    onnxruntime_module()  # telemetry off before the runtime's first import
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

    onnxruntime_module()  # telemetry off before the runtime's first import
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


def time_graphs(graphs: dict[str, Path], tokenizer: Any, threads: int | None = None) -> dict[str, float]:
    """The median milliseconds each graph takes for one question-length text (TIMING_TEXTS, one at a
    time, in the serving session's options), over TIMING_ROUNDS rounds that alternate which goes first.

    One session at a time: a session's idle threads spin for a while after each run, and two sessions
    side by side would slow each other down.
    """
    onnxruntime = onnxruntime_module()
    feeds = [tokenize_batch(tokenizer, [text]) for text in TIMING_TEXTS]
    times: dict[str, list[float]] = {name: [] for name in graphs}
    names = list(graphs)
    for round_ in range(TIMING_ROUNDS):
        for name in names if round_ % 2 == 0 else names[::-1]:
            session = onnxruntime.InferenceSession(
                str(graphs[name]),
                sess_options=session_options(onnxruntime, threads),
                providers=["CPUExecutionProvider"],
            )
            session.run([OUTPUT_NAME], feeds[0])  # the first run allocates
            for feed in feeds:
                started = time.perf_counter()
                session.run([OUTPUT_NAME], feed)
                times[name].append((time.perf_counter() - started) * 1000)
            del session
    medians = {name: float(np.median(t)) for name, t in times.items()}
    log.info("encoder graphs, median ms per question-length text on this machine: %s", medians)
    return medians


def _run_exported(onnx_path: Path, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """The hidden states of a freshly written graph, run in a plain onnxruntime session."""
    onnxruntime = onnxruntime_module()
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    return session.run([OUTPUT_NAME], feeds)[0]


def _check_quantized_model(onnx_path: Path, feeds: dict[str, np.ndarray], reference: np.ndarray) -> None:
    """The quantized graph's sentence vectors must stay within _QUANT_MIN_COSINE of torch's."""
    output = _run_exported(onnx_path, feeds)
    mask = feeds["attention_mask"]
    cosine = float((mean_pool(output, mask) * mean_pool(reference, mask)).sum(axis=1).min())
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
