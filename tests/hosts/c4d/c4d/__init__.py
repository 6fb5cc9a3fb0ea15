"""A faithful fake of Cinema 4D's ``c4d`` module: only what RenderTally uses, with Maxon's names
and call shapes; anything else raises AttributeError.

Cited from Maxon's Python SDK (2025/2026): c4d.CheckIsRunning and CHECKISRUNNING_* (values from
the SDK's enum CHECKISRUNNING: EDITORRENDERING 2, EXTERNALRENDERING 3), c4d.GetC4DVersion,
c4d.plugins (RegisterMessagePlugin, RegisterCommandPlugin, MessageData.GetTimer/CoreMessage,
CommandData.Execute, FindPlugin, RegisterVideoPostPlugin, VideoPostData.Execute),
c4d.documents (GetActiveDocument, GetBatchRender, LoadDocument, BatchRender, BaseVideoPost,
RenderData's video post chain), c4d.threading.BaseThread.TestBreak, c4d.gui.GeDialog, RenderData
parameters. RM_* are the enum of
lib_batchrender.h in its declared order; RDATA_FRAMESEQUENCE_* are the values scripts use
(manual 0, current frame 1, all frames 2, preview range 3). Ids the docs do not print
(RDATA_RENDERENGINE, RDATA_FRAMESTEP, C4DPL_*, MSG_TIMER, BFH_*, plugin types) are distinct values of this
fake: the adapter only ever uses them by name.

Video posts: VIDEOPOSTCALL_FRAMESEQUENCE 1 … INNER 5, the fields of BaseVideoPostStruct (the keys
of ``vps``), PLUGINFLAG_VIDEOPOST_* and RegisterVideoPostPlugin's parameters are those of Maxon's
c4d_videopostdata.h (R1x SDK, as shipped in public plugin repositories); RENDERRESULT_* and
RENDERFLAGS_* are the enums of that SDK's ge_prepass.h. Today's docs list the same names
(https://developers.maxon.net/docs/cpp/2024_5_0/group___v_i_d_e_o_p_o_s_t_c_a_l_l.html,
https://developers.maxon.net/docs/cpp/2024_0_0/group___r_e_n_d_e_r_r_e_s_u_l_t.html) without
printing values; VIDEOPOSTCALL_TILE (R16+) is not in that header: 6 is fake-local.
"""
from __future__ import annotations

import itertools


CHECKISRUNNING_ANIMATIONRUNNING, CHECKISRUNNING_VIEWDRAWING = 0, 1
CHECKISRUNNING_EDITORRENDERING, CHECKISRUNNING_EXTERNALRENDERING = 2, 3
(RM_PROGRESS, RM_FINISHED, RM_STOPPED, RM_ERROR, RM_ERROR2, RM_PAUSED, RM_QUEUE,
 RM_PROGRESS_WITH_WARNING, RM_NONE) = range(9)
RDATA_FRAMESEQUENCE_MANUAL, RDATA_FRAMESEQUENCE_CURRENTFRAME = 0, 1
RDATA_FRAMESEQUENCE_ALLFRAMES, RDATA_FRAMESEQUENCE_PREVIEWRANGE = 2, 3

# RDATA_FRAMESEQUENCE 5016, RDATA_FRAMEFROM 5017, RDATA_FRAMETO 5018: Maxon's drendersettings.h
# as listed on Maxon's developer forum (https://developers.maxon.net/forum/topic/4049/3575_renderdocument-data-ids).
RDATA_FRAMESEQUENCE, RDATA_FRAMEFROM, RDATA_FRAMETO = 5016, 5017, 5018
_ids = itertools.count(900_001)
RDATA_RENDERENGINE, RDATA_FRAMESTEP = (next(_ids) for _ in range(2))
C4DPL_COMMANDLINEARGS, C4DPL_ENDPROGRAM, C4DPL_PROGRAM_STARTED = (next(_ids) for _ in range(3))
MSG_TIMER = next(_ids)
BFH_LEFT, BFH_SCALEFIT = 1 << 0, 1 << 1
EDITTEXT_PASSWORD = 1 << 4
DLG_TYPE_ASYNC = 1
SCENEFILTER_NONE = 0
PLUGINTYPE_VIDEOPOST = 8
(VIDEOPOSTCALL_FRAMESEQUENCE, VIDEOPOSTCALL_FRAME, VIDEOPOSTCALL_SUBFRAME, VIDEOPOSTCALL_RENDER,
 VIDEOPOSTCALL_INNER) = range(1, 6)
VIDEOPOSTCALL_TILE = 6  # fake-local (see above)
RENDERRESULT_OK, RENDERRESULT_OUTOFMEMORY, RENDERRESULT_ASSETMISSING = 0, 1, 2
RENDERRESULT_SAVINGFAILED, RENDERRESULT_USERBREAK, RENDERRESULT_GICACHEMISSING = 5, 6, 7
RENDERFLAGS_0, RENDERFLAGS_EXTERNAL, RENDERFLAGS_NODOCUMENTCLONE = 0, 1 << 0, 1 << 1
RENDERFLAGS_SHOWERRORS, RENDERFLAGS_PREVIEWRENDER, RENDERFLAGS_IRR = 1 << 2, 1 << 3, 1 << 4
RENDERFLAGS_CREATE_PICTUREVIEWER, RENDERFLAGS_OPEN_PICTUREVIEWER = 1 << 5, 1 << 6
RENDERFLAGS_BATCHRENDER, RENDERFLAGS_NET = 1 << 8, 1 << 9
PLUGINFLAG_VIDEOPOST_MULTIPLE, PLUGINFLAG_VIDEOPOST_INHERENT, PLUGINFLAG_VIDEOPOST_GL = 1 << 0, 1 << 1, 1 << 2
PLUGINFLAG_VIDEOPOST_ISRENDERER = 1 << 3

_running: dict[int, bool] = {}
_version = [2026300]


def CheckIsRunning(type):  # noqa: A002, N802
    if type not in (CHECKISRUNNING_ANIMATIONRUNNING, CHECKISRUNNING_VIEWDRAWING,
                    CHECKISRUNNING_EDITORRENDERING, CHECKISRUNNING_EXTERNALRENDERING):
        raise ValueError(f"CheckIsRunning: unknown type {type!r}")
    return _running.get(type, False)


def GetC4DVersion():  # noqa: N802
    return _version[0]


class BaseTime:
    def __init__(self, frame, fps=30):
        self._frame, self._fps = frame, fps

    def GetFrame(self, fps):  # noqa: N802
        if not isinstance(fps, int):
            raise TypeError("GetFrame(int fps)")
        return int(round(self._frame * fps / self._fps))


# Submodules last: they read the constants above. (c4d.documents etc. are attributes in C4D.)
from . import documents, gui, modules, plugins, threading  # noqa: E402, F401

# -- what tests drive (not part of c4d) ------------------------------------------------------------
def _reset():
    _running.clear()
    _version[0] = 2026300
    plugins._reset()
    documents._reset()


def __getattr__(name):
    raise AttributeError(f"module 'c4d' has no attribute {name!r} (the fake implements what RenderTally uses)")
