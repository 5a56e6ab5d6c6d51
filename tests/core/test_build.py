"""Tests for bot.core.build: a whole rebuild (with the fake embedder) and what it leaves on disk."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import bot.core.embedding
from bot.core.answer import load_checked
from bot.core.build import Paths, TrainingFolderMissing, no_training_folder, rebuild
from bot.core.embedding import Embedder
from bot.core.index import INDEX_FILES, IndexUnwritable, build_index
from tests.core.test_index import HARBOUR

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLE = HARBOUR  # the same small article the index tests use
# Run by a Python that may not ignore file permissions (as root can): rebuilds with the fake embedder.
REBUILDS = """
import json
import sys
from pathlib import Path

import bot.core.embedding
from bot.core.build import Paths, rebuild
from tests.conftest import HashingEmbedder

bot.core.embedding.SentenceTransformerEmbedder = HashingEmbedder
paths = Paths(*(Path(p) for p in sys.argv[1:]))
base = paths.index.parent
seen = []
rebuild(paths)
for folder in (paths.index,):  # as an operator who made the live index read-only
    for f in folder.iterdir():
        f.chmod(0o444)
    folder.chmod(0o555)
for attempt in range(2):
    try:
        rebuild(paths)
        seen.append(sorted(p.name for p in base.iterdir()))
    except Exception as exc:
        seen.append(f"{type(exc).__name__}: {exc}")
print(json.dumps(seen))
"""


@pytest.fixture
def paths(tmp_path: Path, write_corpus: Callable[..., Path]) -> Paths:
    """A one-article corpus, no training questions (an untrained model), the index still to build."""
    corpus = write_corpus({"harbour.md": ARTICLE})
    (tmp_path / "train").mkdir()
    return Paths(corpus, tmp_path / "index", tmp_path / "train", tmp_path / "encoder")


@pytest.fixture(autouse=True)
def fake_reference_encoder(monkeypatch: pytest.MonkeyPatch, fake_embedder: Embedder) -> None:
    """`rebuild` embeds with the fake embedder instead of sentence-transformers."""
    monkeypatch.setattr(bot.core.embedding, "SentenceTransformerEmbedder", lambda: fake_embedder)


def unprivileged() -> list[str]:
    """A command prefix that takes away root's power to ignore file permissions ([] when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def beside(paths: Paths) -> list[str]:
    """What is in the folder of the index, apart from the corpus and training folders."""
    return sorted(p.name for p in paths.index.parent.iterdir() if p not in (paths.corpus, paths.train))


def test_a_rebuild_publishes_an_index_every_user_can_read(paths: Paths) -> None:
    previous = os.umask(0o022)
    try:
        rebuild(paths)
    finally:
        os.umask(previous)
    assert oct(paths.index.stat().st_mode & 0o777) == "0o755"  # not mkdtemp's 0700
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in paths.index.iterdir()}
    assert len(modes) == 13 and set(modes.values()) == {"0o644"}, modes
    assert set(modes) <= INDEX_FILES  # what leftovers() takes for a build's
    load_checked(paths.index)


def test_a_rebuild_removes_what_a_killed_rebuild_left_behind(paths: Paths) -> None:
    rebuild(paths)
    for name in ("index.new", "index.old", ".index-k1ll3d_0", ".index.new-k1ll3d_0"):  # mkdtemp's 8 letters
        (paths.index.parent / name).mkdir()
        (paths.index.parent / name / "chunks.faiss").write_bytes(b"half written")
    (paths.index.parent / "index.old" / "chunks.faiss").chmod(0o444)
    (paths.index.parent / "index.old").chmod(0o555)
    rebuild(paths)
    assert beside(paths) == [".index.lock", "index"]
    load_checked(paths.index)


def test_a_rebuild_never_empties_a_folder_of_other_files_nor_takes_a_persons_folders_for_leftovers(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial: INDEX_DIR naming a folder of notes lost them all to a rebuild, and a `.index-photos` folder
    beside the index was deleted as an interrupted build's."""
    paths.index.mkdir()
    (paths.index / "notes.txt").write_text("keep")
    with pytest.raises(IndexUnwritable, match=r"holds other files \(notes\.txt\), not an index"):
        rebuild(paths)
    assert (paths.index / "notes.txt").read_text() == "keep"
    (paths.index / "notes.txt").write_text('{"name": "an extension", "manifest_version": 3}')
    (paths.index / "notes.txt").rename(paths.index / "manifest.json")  # a browser extension's: no index
    with pytest.raises(IndexUnwritable, match=r"holds other files \(manifest\.json\), not an index"):
        rebuild(paths)
    (paths.index / "manifest.json").unlink()  # an empty folder is built in
    # Beside it, folders of its names that hold what a build does not write are a person's (a review).
    for name in (".index-photos", ".index-holidays", "index.old", "index.new"):
        (paths.index.parent / name).mkdir()
        (paths.index.parent / name / "2025.jpg").write_bytes(b"a photo")
    with pytest.raises(IndexUnwritable) as staging:
        rebuild(paths)
    assert str(staging.value) == (
        f"{paths.index.parent / 'index.new'}, where a build writes before it replaces INDEX_DIR, "
        "holds other files (2025.jpg), not an index, and a build replaces the folder whole; "
        "move it elsewhere."
    )  # not called INDEX_DIR, which it is not
    (paths.index.parent / "index.new" / "2025.jpg").unlink()  # empty: a build's
    built = []
    monkeypatch.setattr(bot.core.build, "build_index", lambda *a: built.append(a) or build_index(*a))
    with pytest.raises(IndexUnwritable, match=r"index\.old holds other files, in the way"):
        rebuild(paths)  # the previous index would be moved there
    assert built == []  # said before the build's minutes of work, not after (a review)
    (paths.index.parent / "index.old" / "2025.jpg").unlink()
    rebuild(paths)
    rebuild(paths)  # over an index
    for name in (".index-photos", ".index-holidays"):
        assert (paths.index.parent / name / "2025.jpg").read_bytes() == b"a photo"
    load_checked(paths.index)


def test_a_read_only_index_is_replaced_and_leaves_nothing_behind(paths: Paths) -> None:
    """Before: `index.old` stayed (it could not be emptied), and every later rebuild failed (OSError)."""
    result = subprocess.run(
        [*unprivileged(), sys.executable, "-c", REBUILDS, *(str(p) for p in dataclasses.astuple(paths))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    listings = json.loads(result.stdout)
    expected = sorted([".index.lock", "index", paths.corpus.name, "train"])
    assert listings == [expected, expected]


def test_a_second_rebuild_at_the_same_time_is_refused_in_one_sentence(paths: Paths) -> None:
    paths.index.parent.mkdir(parents=True, exist_ok=True)
    with open(paths.index.with_name(".index.lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a rebuild running in another process
        with pytest.raises(IndexUnwritable, match="Another `meeting-bot index` is rebuilding"):
            rebuild(paths)
    assert beside(paths) == [".index.lock"]


def test_a_folder_the_index_cannot_be_written_in_is_one_sentence(tmp_path: Path) -> None:
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    env = {**os.environ, "INDEX_DIR": str(parent / "index"), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [*unprivileged(), sys.executable, "-m", "bot", "index"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: Cannot write the index in") and "Permission denied" in line, line
    assert line.endswith(".") and str(parent) in line


def test_a_training_folder_may_hold_suggestions_a_read_me_and_hidden_files_without_training(
    tmp_path: Path,
) -> None:
    """A review: a folder of suggestions alone was refused as no training folder, and one of check sets
    alone passed; a kept-empty folder (.gitkeep) is none of a person's either."""
    train = tmp_path / "train"
    train.mkdir()
    for name in ("suggestions.txt", "README.md", ".gitkeep"):
        (train / name).write_text("x")
        no_training_folder(train)  # builds untrained
    (train / "checks").mkdir()
    (train / "checks" / "set.jsonl").write_text("")
    with pytest.raises(TrainingFolderMissing, match="holds no training files"):
        no_training_folder(train)  # a check set is never trained on
    (train / "questions.jsonl").write_text("")
    no_training_folder(train)


def test_the_check_sets_answerable_lines_are_read_and_hashed(tmp_path: Path) -> None:
    """`meeting-bot index` reads the check sets' answerable lines (for the fusion weights only), so a
    change to them makes the index out of date; the quote check's examples do not."""
    from bot.core.build import check_questions, training_hash

    train = tmp_path / "train"
    (train / "checks").mkdir(parents=True)
    (train / "quotes").mkdir()
    (train / "questions.jsonl").write_text('{"question": "q?", "gold": ["x"]}\n')
    lines = [
        {"id": "a", "question": "when did it open?", "kind": "basic", "gold": ["opened"]},
        {"id": "b", "question": "who won the cup?", "kind": "off_topic"},
        {"id": "c", "question": "hi", "kind": "intent", "expect": ["chatter"]},
    ]
    (train / "checks" / "set.jsonl").write_text("".join(json.dumps(d) + "\n" for d in lines))
    (train / "checks" / "notes.md").write_text("not a check set")
    read = check_questions(train)
    assert [(q.text, q.gold) for q in read] == [("when did it open?", ("opened",))]
    before = training_hash(train)
    (train / "quotes" / "quotes.jsonl").write_text("{}\n")
    assert training_hash(train) == before
    (train / "checks" / "set.jsonl").write_text(json.dumps(lines[0]) + "\n")
    assert training_hash(train) != before
    assert check_questions(tmp_path / "none") == []
    (train / "checks" / "bad.jsonl").write_bytes(b"\xff\xfe{not json")
    with pytest.raises(ValueError, match="bad.jsonl.*not UTF-8"):
        check_questions(train)  # a damaged check set is named, not skipped
