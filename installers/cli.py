"""The installers' ``rendertally`` sub-commands (``build`` …), added to the core's parser.

The core's CLI calls :func:`add_commands` when it builds its parser, so installing and building
live here, beside the artifacts they make, and ``rendertally.core`` stays small.
"""
from __future__ import annotations

import argparse

OK = 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``build``, ``install``, ``uninstall`` and ``status`` to the CLI's sub-parsers."""
    from . import commands

    bld = sub.add_parser("build", help="build a host's installable artifact")
    bld.add_argument("host", help="blender, maya, max, c4d, or all (every host plus a studio folder)")
    bld.add_argument("--out", default="dist", help="folder for the artifacts (default: dist)")
    bld.set_defaults(func=cmd_build)
    # The same commands as the stdlib-only zipapp (installers/commands.py); here, without --from,
    # install builds what it needs first.
    commands.add_commands(sub)


def cmd_build(args: argparse.Namespace) -> int:
    from . import build

    for path in build(args.host, args.out):
        print(path)
    return OK
