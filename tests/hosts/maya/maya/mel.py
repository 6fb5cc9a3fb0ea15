"""Fake ``maya.mel``: ``eval`` runs a small, real subset of MEL.

Statements separated by ``;`` (not inside strings), ``//`` and ``/* */`` comments, and:
``python("...")`` (the Python is run in ``__main__``, as Maya's ``python`` command does), and
``print "..."`` / ``print("...")`` (written to :data:`output`). Anything else is a MEL error,
raised as ``RuntimeError`` like Maya's ``mel.eval``.
https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/CommandsPython/python.html
"""
from __future__ import annotations

import re
import sys
from typing import Any

output: list[str] = []  # what `print` wrote
_STRING = r'"((?:[^"\\]|\\.)*)"'
_PYTHON = re.compile(r"python\s*\(\s*" + _STRING + r"\s*\)\s*$", re.DOTALL)
_PRINT = re.compile(r"print\s*\(?\s*" + _STRING + r"\s*\)?\s*$", re.DOTALL)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _statements(script: str) -> list[str]:
    out, current, i, in_string = [], [], 0, False
    while i < len(script):
        ch = script[i]
        if in_string:
            current.append(ch)
            if ch == "\\" and i + 1 < len(script):
                current.append(script[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif script.startswith("//", i):
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            continue
        elif script.startswith("/*", i):
            end = script.find("*/", i + 2)
            if end < 0:
                raise RuntimeError("// Error: unterminated comment //")
            i = end + 2
            continue
        elif ch == '"':
            in_string = True
            current.append(ch)
        elif ch == ";":
            out.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    if in_string:
        raise RuntimeError("// Error: unterminated string //")
    tail = "".join(current).strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def eval(script: str) -> Any:  # noqa: A001 - Maya's name
    statements = _statements(script)  # parsed whole first: a syntax error runs nothing, as in MEL
    for statement in statements:
        if not (_PYTHON.match(statement) or _PRINT.match(statement)):
            raise RuntimeError(f"// Error: {statement} // Syntax error (the fake MEL runs python() and print only)")
    result = None
    for statement in statements:
        python = _PYTHON.match(statement)
        if python:
            code = _unescape(python.group(1))
            namespace = sys.modules["__main__"].__dict__
            try:
                result = builtins_eval(compile(code, "<python()>", "eval"), namespace)
            except SyntaxError:
                exec(compile(code, "<python()>", "exec"), namespace)  # noqa: S102
                result = None
        else:
            match = _PRINT.match(statement)
            assert match is not None
            output.append(_unescape(match.group(1)))
    return result


builtins_eval = __builtins__["eval"] if isinstance(__builtins__, dict) else __builtins__.eval  # type: ignore[index]


def __getattr__(name: str) -> Any:
    raise AttributeError(f"the fake maya.mel has no {name!r} (not used by RenderTally)")
