"""docs/cli.md: generated from the command line's parser, current, and complete."""

from __future__ import annotations

import argparse
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from model.interfaces.cli import build_parser
from model.interfaces.cli_docs import DOC_FILE, commands, render


def test_the_committed_reference_is_up_to_date():
    assert DOC_FILE.read_text(encoding="utf-8") == render(), "run: python -m model.interfaces.cli_docs"


def test_every_command_and_flag_is_documented():
    doc = render()
    found = list(commands(build_parser()))
    assert {path for path, _, _ in found} >= {(), ("run",), ("compare",), ("sweep",), ("plot",)}
    for path, parser, _ in found:
        section = doc.split(f"\n## {' '.join(path) or 'Without a command'}\n", 1)[1].split("\n## ", 1)[0]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            shown = action.option_strings[-1] if action.option_strings else (action.metavar or action.dest)
            assert f"`{shown}" in section, (path, shown)


def test_a_new_subcommand_appears_with_its_flags():
    parser = argparse.ArgumentParser(prog="run.py")
    sub = parser.add_subparsers()
    p = sub.add_parser("frobnicate", help="frobnicate | a folder", aliases=["frob"])
    p.add_argument("folder", nargs="+", metavar="results/X")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--fast", action="store_true", help="quickly (default: %(default)s; 100%%)")
    where.add_argument("--level", type=int, choices=[1, 2], help="how hard")
    nested = p.add_subparsers().add_parser("deeper", help="one level down")
    nested.add_argument("--depth", metavar="N", help="how deep")
    doc = render(parser)
    assert "| [`frobnicate`](#frobnicate) | frobnicate \\| a folder |" in doc
    assert "| [`frobnicate deeper`](#frobnicate-deeper) | one level down |" in doc
    assert "frob " not in doc.replace("frobnicate", "")  # the alias is not a second command
    assert "| `results/X` | one or more, required |" in doc
    assert "| `--fast` | quickly (default: False; 100%) |" in doc
    assert "| `--level {1,2}` | how hard |" in doc
    assert "| `--depth N` | how deep |" in doc
    assert "At most one of `--fast`, `--level`." in doc


@given(helps=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
                      min_size=1, max_size=5))
@settings(max_examples=50, deadline=None)
def test_any_help_text_keeps_one_table_row_per_flag(helps):
    """Pipes, angle brackets and line breaks in help texts never split or hide a row of the table."""
    parser = argparse.ArgumentParser(prog="run.py")
    for i, text in enumerate(helps):
        parser.add_argument(f"--flag{i}", help=text.replace("%", "%%") + "\nend")
    rows = [line for line in render(parser).splitlines() if line.startswith("| `--flag")]
    assert len(rows) == len(helps)
    for i, row in enumerate(rows):
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 4 and cells[1].strip() == f"`--flag{i} FLAG{i}`"
        assert "<" not in cells[2] and cells[2].strip().endswith("end")
