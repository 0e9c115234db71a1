"""A duplicate-code scan: no block of code repeats between the SmartRecruiters and Factorial packages.

Like pylint's `symilar` with its `ignore-imports`, `ignore-docstrings`, `ignore-comments` and `ignore-signatures`:
lines are compared stripped, without imports, docstrings, comments, blank lines and `def` signatures (a method
that implements the `Connector` interface has the interface's signature). A block is `WINDOW` such lines in a row.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WINDOW = 5
PACKAGES = ("apps/connectors/smartrecruiters", "apps/connectors/factorial")


def code_lines(source: str) -> list[tuple[int, str]]:
    """(line number, stripped text) of every line that counts."""
    skipped: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            skipped.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                skipped.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            skipped.update(range(node.lineno, node.body[0].lineno))  # the signature (decorators are code)
    comments: dict[int, int] = {}  # line → column where its comment starts
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.start[1]
    lines = []
    for number, line in enumerate(source.splitlines(), 1):
        text = line[: comments[number]] if number in comments else line
        if number not in skipped and text.strip():
            lines.append((number, text.strip()))
    return lines


def blocks(package: str) -> dict[tuple[str, ...], str]:
    """Every WINDOW-line block of the package → where it first occurs (`path:line`)."""
    found: dict[tuple[str, ...], str] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        lines = code_lines(path.read_text(encoding="utf-8"))
        for start in range(len(lines) - WINDOW + 1):
            block = tuple(text for _, text in lines[start : start + WINDOW])
            found.setdefault(block, f"{path.relative_to(ROOT)}:{lines[start][0]}")
    return found


def test_the_scan_finds_a_repeated_block() -> None:
    source = "def f(x):\n    a = x + 1\n    b = a * 2\n    c = b - 3\n    d = c / 4\n    return d\n"
    again = "def g(y):  # another name\n" + source.split("\n", 1)[1]

    lines_f, lines_g = code_lines(source), code_lines(again)

    assert [text for _, text in lines_f] == ["a = x + 1", "b = a * 2", "c = b - 3", "d = c / 4", "return d"]
    assert [text for _, text in lines_f] == [text for _, text in lines_g]


def test_no_block_repeats_between_smartrecruiters_and_factorial() -> None:
    first, second = (blocks(package) for package in PACKAGES)

    repeated = sorted(f"{first[block]} == {second[block]}" for block in first.keys() & second.keys())

    assert repeated == [], "move what both do the same way into the kit (apps/connectors/, apps/connectors/emulation/)"
