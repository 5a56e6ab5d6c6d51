"""Reading the files `meeting-bot index` writes, bounded, with reasons a person can act on.

A damaged index file must cost one sentence, not the process: a file replaced by an endless one (a link to
/dev/zero) is read only up to a bound, and what went wrong is said in words rather than in Python's.
"""

from __future__ import annotations

import json
import math
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

# No JSON file of an index comes near this (the meeting article's largest is ~0.2 MB; 100,000 chunks ~60 MB).
MAX_JSON_BYTES = 256 * 2**20
# Nor does an array inside an .npz archive (training-question vectors: ~1 MB); its size is checked before
# it is unpacked, since a small archive can hold a large array of zeros.
MAX_PACKED_ARRAY_BYTES = 256 * 2**20
_NPY_MAGIC = b"\x93NUMPY"
# Kinds of number an index array holds: floats, integers, booleans (not complex, dates, objects, records).
_ARRAY_KINDS = "fiub"


class Damage(ValueError):
    """What is wrong with a file that was read, in words fit for the person running the bot."""


# What loading a damaged index file can raise besides Damage: a field missing or of the wrong kind, a number
# too large for an int, an archive member cut short. A loader turns these into its IndexCorrupt sentence.
LOAD_ERRORS = (OSError, EOFError, ValueError, KeyError, TypeError, OverflowError, zipfile.BadZipFile)


def regular_file(path: Path) -> None:
    """Damage unless `path` is a regular file (or a link to one): a pipe put in its place would block the
    reader for ever, a device or a folder is no file meeting-bot wrote."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise Damage(f"{path.name} is missing") from None
    except OSError:
        raise Damage(f"{path.name} cannot be read") from None
    if not stat.S_ISREG(mode):
        raise Damage(f"{path.name} is not a regular file")


def read_text(path: Path, limit: int = MAX_JSON_BYTES) -> str:
    """The UTF-8 text in `path`, reading at most `limit` bytes (Damage when it is missing, unreadable,
    larger, not a regular file, or not UTF-8)."""
    regular_file(path)
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise Damage(f"{path.name} is missing") from None
    except OSError:
        raise Damage(f"{path.name} cannot be read") from None
    if len(data) > limit:
        raise Damage(f"{path.name} is larger than any file meeting-bot writes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Damage(f"{path.name} is not UTF-8 text") from None


def read_json(path: Path, limit: int = MAX_JSON_BYTES) -> Any:
    """The JSON value in `path`, reading at most `limit` bytes (Damage as `read_text`, or when it is not
    valid JSON)."""
    text = read_text(path, limit)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise Damage(f"{path.name} is not valid JSON") from None


def load_array(path: Path, mmap_mode: str | None = None) -> Any:
    """`np.load` of an array (.npy) or archive (.npz) that meeting-bot wrote; Damage naming the file
    when it is missing or is not one (numpy's own message speaks of pickles).

    Before anything is read whole, each array's header must agree with the bytes that hold it and name
    a kind of number: a header claiming 2^40 items used to be believed, and allocated.
    """
    regular_file(path)
    try:
        with path.open("rb") as f:
            magic = f.read(len(_NPY_MAGIC))
        # As np.load tells them apart: an archive by its "PK" prefix, anything else must be one .npy.
        if magic.startswith(b"PK"):
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
                if sum(m.file_size for m in members) > MAX_PACKED_ARRAY_BYTES:
                    raise Damage(f"{path.name} holds arrays larger than any meeting-bot writes")
                for member in members:
                    with archive.open(member) as f:
                        _check_header(f, member.file_size, path.name)
        else:
            with path.open("rb") as f:
                _check_header(f, path.stat().st_size, path.name)
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except Damage:
        raise
    # RuntimeError, NotImplementedError: an archive member encrypted, or packed in a way zipfile cannot read.
    except (OSError, EOFError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile):
        raise Damage(f"{path.name} is not an array meeting-bot writes") from None


def _check_header(f: Any, size: int, name: str) -> None:
    """Damage unless the .npy stream `f` of `size` bytes has a header whose array fills the rest exactly."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise Damage(f"{name} is an array format meeting-bot does not write")
    if dtype.kind not in _ARRAY_KINDS or dtype.fields is not None:
        raise Damage(f"{name} holds {dtype} values, not numbers")
    header = f.tell()
    if header + math.prod(shape) * dtype.itemsize != size:
        raise Damage(f"{name} is cut short or holds other data than its header says")


def unreadable(exc: OSError | UnicodeDecodeError) -> str:
    """Why a text file could not be read as UTF-8, in words (not the codec's or a class name)."""
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8"
    return exc.strerror or "it cannot be read"


def reason(exc: BaseException, name: str = "a file") -> str:
    """Why a file could not be loaded, for an error message: a Damage's own words, else a plain phrase
    about `name` (library messages speak of pickles, positional arguments and codecs)."""
    if isinstance(exc, Damage):
        return str(exc)
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"{Path(exc.filename).name} is missing"
    if isinstance(exc, OSError) and exc.filename:
        return f"{Path(exc.filename).name} cannot be read"
    if isinstance(exc, KeyError | TypeError):
        return f"{name} lacks a field meeting-bot writes, or holds one of the wrong kind"
    if isinstance(exc, EOFError | zipfile.BadZipFile):
        return f"{name} is cut short or not an archive meeting-bot writes"
    return f"{name} is not in the form meeting-bot writes"
