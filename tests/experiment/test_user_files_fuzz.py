"""Fuzzing results folders with a user's files, folders and links inside and beside them: replacing
(``force``) or writing the folder never deletes, changes or writes through any of them; it either
succeeds, when nothing of the user's is inside, or is refused with one error, leaving everything as
it was; and nothing of the tool's (staging, retired copies, locks) is left beside the folder."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.errors import ModelInputError
from model.experiment import Comparison, compare
from model.experiment.folders import STAGING_MARK, TEMPORARY
from model.scenario import SCENARIO_DIR, load_scenario


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Comparison]:
    """A comparison folder with one drawn figure and an empty parts/ folder (as a killed run leaves)."""
    out = tmp_path_factory.mktemp("written") / "r"
    us = load_scenario(SCENARIO_DIR / "unilateral_us.toml").model_copy(update={"horizon": 5})
    comparison = compare([us], replications=1, executor="serial", progress=False, out=out)
    comparison.plot(out / "figures", only="effectiveness", formats=("svg",))
    (out / "parts").mkdir()
    return out, Comparison.load(out)


NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=12).filter(
    lambda name: name not in (".", "..") and not TEMPORARY.fullmatch(name) and name != STAGING_MARK)
KIND = st.sampled_from(["file", "folder", "link"])


@st.composite
def user_entries(draw) -> list[tuple[str, str]]:
    """(relative path from the folder's parent, kind): beside the folder, in it, in figures/ or parts/."""
    beside = st.one_of(NAME.map(lambda n: f".r.{n}"), st.sampled_from([".r.lock", ".r.partial-1", ".r.old-1",
                                                                        ".r.partial-mine", ".r.old-backup"]),
                       NAME.map(lambda n: f"r{n}"))
    inside = st.tuples(st.sampled_from(["r", "r/figures", "r/parts"]), NAME).map("/".join)
    paths = draw(st.lists(st.one_of(beside, inside), min_size=1, max_size=4, unique=True))
    return [(path, draw(KIND)) for path in paths]


def snapshot(root: Path, paths: list[str]) -> dict[str, object]:
    """What each of the user's entries is: a file's bytes, a link's target, a folder's files."""
    seen: dict[str, object] = {}
    for path in paths:
        entry = root / path
        if entry.is_symlink():
            seen[path] = ("link", str(entry.readlink()))
        elif entry.is_dir():
            seen[path] = ("folder", sorted((p.name, p.read_bytes()) for p in entry.iterdir()))
        else:
            seen[path] = ("file", entry.read_bytes())
    return seen


@given(entries=user_entries(), force=st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_saving_over_a_folder_never_touches_a_users_files(written, entries, force):
    written, comparison = written
    tool = {p.name for p in written.iterdir()} | {"effectiveness.svg", ".drawn"}
    entries = [(p, k) for p, k in entries if p.rsplit("/", 1)[-1] not in tool]
    if not entries:
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(written, root / "r")
        (root / "outside.txt").write_text("the target of a user's link")
        for path, kind in entries:
            entry = root / path
            if kind == "file":
                entry.write_text(f"user data in {path}")
            elif kind == "folder":
                entry.mkdir()
                (entry / "mine.txt").write_text("mine")
            else:
                entry.symlink_to(root / "outside.txt")
        before = snapshot(root, [p for p, _ in entries])
        inside = [p for p, _ in entries if p.startswith("r/")]
        try:
            comparison.save(root / "r", force=force)
        except ModelInputError as err:
            refused = str(err)
        else:
            refused = None
        assert snapshot(root, [p for p, _ in entries]) == before  # every entry of the user's as it was
        assert (root / "outside.txt").read_text() == "the target of a user's link"
        if any(p == ".r.lock" for p, _ in entries):  # a lock file not the tool's: refused first
            assert refused is not None and ".r.lock" in refused
        elif not force:
            assert refused is not None and "output folder exists" in refused
        elif inside:
            assert refused is not None and "holds files this tool did not write" in refused
            assert re.search(re.escape(inside[0].removeprefix("r/")), refused)
        else:
            assert refused is None
        beside = {p.name for p in root.iterdir()}
        assert beside == {"r", "outside.txt", *(p for p, _ in entries if "/" not in p)}  # nothing of the tool's left
