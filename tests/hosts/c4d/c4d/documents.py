"""Fake ``c4d.documents``: documents with one RenderData container, the Render Queue, LoadDocument."""
from __future__ import annotations


class RenderData:
    def __init__(self, values):
        self._values = dict(values)

    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        self._values[key] = value


def render_data(*, engine=0, sequence=0, first=0, last=0, step=1, fps=30):
    """A RenderData container as the Render Settings hold it (test helper)."""
    import c4d

    return RenderData({c4d.RDATA_RENDERENGINE: engine, c4d.RDATA_FRAMESEQUENCE: sequence,
                       c4d.RDATA_FRAMEFROM: c4d.BaseTime(first, fps), c4d.RDATA_FRAMETO: c4d.BaseTime(last, fps),
                       c4d.RDATA_FRAMESTEP: step})


class BaseTake:
    """c4d.modules.takesystem.BaseTake: a tree node; GetEffectiveRenderData → (RenderData, BaseTake)."""

    def __init__(self, name, render=None, children=()):
        self._name, self._render, self._children, self._next, self._up = name, render, list(children), None, None
        for before, after in zip(self._children, self._children[1:]):
            before._next = after
        for child in self._children:
            child._up = self

    def GetName(self):  # noqa: N802
        return self._name

    def GetDown(self):  # noqa: N802
        return self._children[0] if self._children else None

    def GetNext(self):  # noqa: N802
        return self._next

    def GetEffectiveRenderData(self, takeData):  # noqa: N802, N803
        if not isinstance(takeData, TakeData):
            raise TypeError("GetEffectiveRenderData(TakeData takeData)")
        take = self
        while take is not None and take._render is None:
            take = take._up  # a take without an override uses its parent's
        return (take._render, take) if take is not None else (takeData._doc._rd, takeData._main)


class TakeData:
    """c4d.modules.takesystem.TakeData of one document."""

    def __init__(self, doc, main, current=None):
        self._doc, self._main, self._current = doc, main, current or main

    def GetMainTake(self):  # noqa: N802
        return self._main

    def GetCurrentTake(self):  # noqa: N802
        return self._current


class BaseDocument:
    def __init__(self, *, engine=0, sequence=0, first=0, last=0, step=1, current=0, fps=30,
                 min_frame=0, max_frame=90, loop=(0, 90), takes=(), current_take=None):
        self._rd = render_data(engine=engine, sequence=sequence, first=first, last=last, step=step, fps=fps)
        main = BaseTake("Main", None, takes)
        self._takes = TakeData(self, main, current_take)
        self._fps, self._current = fps, current
        self._min, self._max, self._loop = min_frame, max_frame, loop

    def GetActiveRenderData(self):  # noqa: N802
        return self._rd

    def GetTakeData(self):  # noqa: N802
        return self._takes

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
