"""Fake ``c4d.threading``: BaseThread, whose TestBreak() a render's callbacks poll for a user break.

https://developers.maxon.net/docs/py/2025_0_0/modules/c4d.threading/BaseThread/index.html
"""
from __future__ import annotations


class BaseThread:
    def __init__(self):
        self._break = False

    def TestBreak(self):  # noqa: N802
        return self._break

    def End(self, wait=True):  # noqa: N802
        self._break = True


def __getattr__(name):
    raise AttributeError(f"module 'c4d.threading' has no attribute {name!r}")
