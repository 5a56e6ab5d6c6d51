"""Reading index files: bounded, checked against their headers, and failing in words."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest

from bot.core import files
from bot.core.files import Damage, load_array, read_json, reason


def test_json_is_read_only_up_to_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "meta.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    assert read_json(path, limit=8) == {"a": 1}
    with pytest.raises(Damage, match="larger"):
        read_json(path, limit=7)


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "meta.json"
    os.mkfifo(path)
    with pytest.raises(Damage, match="not a regular file"):
        read_json(path)


def _npy_header(shape: tuple[int, ...], dtype: str = "<f4") -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": dtype, "fortran_order": False, "shape": shape})
    return out.getvalue()


def test_an_array_header_claiming_more_than_the_file_holds_is_refused_before_any_allocation(
    tmp_path: Path,
) -> None:
    path = tmp_path / "adapter.npy"
    path.write_bytes(_npy_header((2**40,)) + b"\0" * 64)  # numpy alone raised MemoryError
    with pytest.raises(Damage, match="adapter.npy is cut short"):
        load_array(path)


def test_a_small_archive_holding_a_large_array_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1.7 MB archive of 2^21 zero vectors was unpacked whole (4.9 GB); here the bound is lowered to 1 MB
    and the archive holds 4 MB of zeros."""
    monkeypatch.setattr(files, "MAX_PACKED_ARRAY_BYTES", 2**20)
    path = tmp_path / "expansions.npz"
    np.savez_compressed(path, vectors=np.zeros((2**10, 2**10), np.float32))
    assert path.stat().st_size < 2**16
    with pytest.raises(Damage, match="larger than any"):
        load_array(path)


@pytest.mark.parametrize("dtype", [np.complex64, "datetime64[s]", [("a", "<f4"), ("b", "<i4")]])
def test_an_array_of_something_other_than_numbers_is_refused(tmp_path: Path, dtype: object) -> None:
    path = tmp_path / "adapter.npy"
    np.save(path, np.zeros(4, dtype=dtype))
    with pytest.raises(Damage, match="not numbers"):
        load_array(path)


def test_a_well_formed_array_and_archive_load(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.eye(3, dtype=np.float32))
    np.savez(tmp_path / "b.npz", vectors=np.ones((2, 3), np.float16), chunks=np.zeros((2, 2), np.int64))
    np.testing.assert_array_equal(load_array(tmp_path / "a.npy", mmap_mode="r"), np.eye(3))
    assert load_array(tmp_path / "b.npz")["chunks"].shape == (2, 2)


def test_reasons_are_words_not_library_messages() -> None:
    assert reason(KeyError("features"), "retrieval.json").startswith("retrieval.json lacks a field")
    assert "pickle" not in reason(ValueError("allow_pickle=False"))
    assert reason(FileNotFoundError(2, "No such file", "/x/adapter.npy")) == "adapter.npy is missing"


def test_an_array_with_an_archive_trailer_is_still_checked_as_the_array_numpy_reads(tmp_path: Path) -> None:
    """An .npy ending in an empty zip directory passed for an archive with nothing to check, and numpy then
    read it by its magic as one array: MemoryError for a header claiming 2^40 items."""
    path = tmp_path / "adapter.npy"
    path.write_bytes(_npy_header((2**20, 2**20)) + b"\0" * 64 + b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(Damage, match="adapter.npy"):
        load_array(path)


def test_an_archive_member_zipfile_cannot_unpack_is_damage(tmp_path: Path) -> None:
    """A member marked encrypted raised RuntimeError past the loader ("something went wrong")."""
    path = tmp_path / "intents.npz"
    np.savez(path, vectors=np.ones((2, 3), np.float32))
    data = bytearray(path.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        at = data.find(signature)
        data[at + flags] |= 1  # "encrypted"
    path.write_bytes(bytes(data))
    with pytest.raises(Damage, match="intents.npz"):
        load_array(path)


def test_an_archive_is_bounded_as_a_whole_not_only_per_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_PACKED_ARRAY_BYTES", 3 * 2**20)
    path = tmp_path / "expansions.npz"
    zeros = np.zeros((2**9, 2**10), np.float32)  # 2 MB each: under the bound alone, over it together
    np.savez_compressed(path, vectors=zeros, refusals=zeros)
    with pytest.raises(Damage, match="larger than any"):
        load_array(path)
