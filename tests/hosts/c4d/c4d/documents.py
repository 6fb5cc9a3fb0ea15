"""Fake ``c4d.documents``: documents with one RenderData container, the Render Queue, LoadDocument."""
from __future__ import annotations


class RenderData:
    def __init__(self, values):
        self._values = dict(values)

    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        self._values[key] = value


class BaseDocument:
    def __init__(self, *, engine=0, sequence=0, first=0, last=0, step=1, current=0, fps=30,
                 min_frame=0, max_frame=90, loop=(0, 90)):
        import c4d

        self._rd = RenderData({c4d.RDATA_RENDERENGINE: engine, c4d.RDATA_FRAMESEQUENCE: sequence,
                               c4d.RDATA_FRAMEFROM: c4d.BaseTime(first, fps), c4d.RDATA_FRAMETO: c4d.BaseTime(last, fps),
                               c4d.RDATA_FRAMESTEP: step})
        self._fps, self._current = fps, current
        self._min, self._max, self._loop = min_frame, max_frame, loop

    def GetActiveRenderData(self):  # noqa: N802
        return self._rd

    def GetFps(self):  # noqa: N802
        return self._fps

    def _time(self, frame):
        import c4d

        return c4d.BaseTime(frame, self._fps)

    def GetMinTime(self):  # noqa: N802
        return self._time(self._min)

    def GetMaxTime(self):  # noqa: N802
        return self._time(self._max)

    def GetLoopMinTime(self):  # noqa: N802
        return self._time(self._loop[0])

    def GetLoopMaxTime(self):  # noqa: N802
        return self._time(self._loop[1])


class BatchRender:
    def __init__(self):
        self._elements = []  # [path, status]
        self._rendering = False

    def GetElementCount(self):  # noqa: N802
        return len(self._elements)

    def GetElement(self, n):  # noqa: N802
        return self._elements[n][0]

    def GetElementStatus(self, n):  # noqa: N802
        return self._elements[n][1]

    def IsRendering(self):  # noqa: N802
        return self._rendering


_state = {"active": BaseDocument(), "batch": BatchRender(), "files": {}}


def GetActiveDocument():  # noqa: N802
    return _state["active"]


def GetBatchRender():  # noqa: N802
    return _state["batch"]


def LoadDocument(name, loadflags, thread=None):  # noqa: N802
    if not isinstance(loadflags, int):
        raise TypeError("LoadDocument(str name, int loadflags)")
    return _state["files"].get(str(name))


def _reset():
    _state.update(active=BaseDocument(), batch=BatchRender(), files={})


def __getattr__(name):
    raise AttributeError(f"module 'c4d.documents' has no attribute {name!r}")
