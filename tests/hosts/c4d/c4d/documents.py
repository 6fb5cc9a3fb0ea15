"""Fake ``c4d.documents``: documents with one RenderData container, the Render Queue, LoadDocument,
video post effects in RenderData, and ``_render`` (a test driver, not part of c4d) that plays a
render through the effects' ``VideoPostData.Execute``.
"""
from __future__ import annotations


class BaseVideoPost:
    """c4d.documents.BaseVideoPost(type): a video post node; C4D allocates its plugin's data instance."""

    def __init__(self, type):  # noqa: A002
        from c4d import plugins

        if not isinstance(type, int) or type not in plugins.video_posts:
            raise MemoryError(f"BaseVideoPost({type!r}): no such video post plugin")
        self._type, self._next = type, None
        self._data = plugins.registered[type][1]()

    def GetType(self):  # noqa: N802
        return self._type

    def GetNext(self):  # noqa: N802
        return self._next


class RenderData:
    def __init__(self, values):
        self._values = dict(values)
        self._first = None

    def GetFirstVideoPost(self):  # noqa: N802
        return self._first

    def InsertVideoPost(self, pvp, pred=None):  # noqa: N802
        if not isinstance(pvp, BaseVideoPost):
            raise TypeError("InsertVideoPost(BaseVideoPost pvp, BaseVideoPost pred=None)")
        if pred is None:
            pvp._next, self._first = self._first, pvp
        else:
            pvp._next, pred._next = pred._next, pvp

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


# -- what tests drive (not part of c4d) ------------------------------------------------------------
def _render(doc, frames, *, flags=None, break_after=None, fail_after=None, between=None, fps=None):
    """C4D renders ``frames`` of ``doc``: each video post effect of its active RenderData gets
    ``Execute(node, vps)`` with the opener/closer pairs of BaseVideoPostStruct — FRAMESEQUENCE
    around the render; per frame FRAME, SUBFRAME, RENDER, INNER nested — on the render thread
    (here the caller's). ``break_after=N``: the user breaks off during frame N+1 (TestBreak() is
    True from then on); ``fail_after=N``: frame N+1 fails (``vps["error"]`` is set). As in C4D's
    pairing, an opened call is always closed, also when the render stops (modelled: not confirmed
    by Maxon's docs). ``between(i)`` runs after the i-th finished frame (tests tick timers there).
    Returns every Execute's (vp, open, result)."""
    import c4d

    flags = c4d.RENDERFLAGS_EXTERNAL if flags is None else flags
    rd, fps = doc.GetActiveRenderData(), fps or doc.GetFps()
    thread = c4d.threading.BaseThread()
    nodes, node = [], rd.GetFirstVideoPost()
    while node is not None:
        nodes.append(node)
        node = node.GetNext()
    results, state = [], {"error": c4d.RENDERRESULT_OK}

    def call(vp, opening, frame):
        vps = {"version": c4d.GetC4DVersion(), "vp": vp, "open": opening, "time": c4d.BaseTime(frame, fps),
               "fps": fps, "error": state["error"], "vd": None, "doc": doc, "thread": thread, "subframe": 0,
               "subframe_cnt": 1, "field": 0, "field_cnt": 1, "render": None, "renderflags": flags,
               "linear_workflow": True, "net_server": False}
        for each in nodes:
            result = each._data.Execute(each, vps)
            results.append((vp, opening, result))
            if result != c4d.RENDERRESULT_OK and state["error"] == c4d.RENDERRESULT_OK:
                state["error"] = result  # an effect's error stops the render

    nested = (c4d.VIDEOPOSTCALL_FRAME, c4d.VIDEOPOSTCALL_SUBFRAME, c4d.VIDEOPOSTCALL_RENDER, c4d.VIDEOPOSTCALL_INNER)
    frames = list(frames)
    first = frames[0] if frames else 0
    call(c4d.VIDEOPOSTCALL_FRAMESEQUENCE, True, first)
    for index, frame in enumerate(frames):
        if state["error"] != c4d.RENDERRESULT_OK or thread.TestBreak():
            break
        for vp in nested[:3]:
            call(vp, True, frame)
        if break_after is not None and index == break_after:
            thread._break = True
        elif fail_after is not None and index == fail_after:
            state["error"] = c4d.RENDERRESULT_OUTOFMEMORY
        else:
            call(c4d.VIDEOPOSTCALL_INNER, True, frame)
            call(c4d.VIDEOPOSTCALL_INNER, False, frame)
        for vp in reversed(nested[:3]):
            call(vp, False, frame)
        if between is not None and not thread.TestBreak() and state["error"] == c4d.RENDERRESULT_OK:
            between(index)
    call(c4d.VIDEOPOSTCALL_FRAMESEQUENCE, False, first)
    return results


def __getattr__(name):
    raise AttributeError(f"module 'c4d.documents' has no attribute {name!r}")
