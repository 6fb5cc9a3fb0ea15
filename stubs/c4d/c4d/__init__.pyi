# RenderTally's own minimal stub of Cinema 4D's c4d module: only what plugins/c4d uses, written
# from Maxon's Python SDK documentation (c4d, c4d.documents, c4d.plugins, c4d.gui, c4d.threading).
from typing import Any

from . import documents as documents, gui as gui, modules as modules, plugins as plugins, threading as threading

CHECKISRUNNING_ANIMATIONRUNNING: int
CHECKISRUNNING_VIEWDRAWING: int
CHECKISRUNNING_EDITORRENDERING: int
CHECKISRUNNING_EXTERNALRENDERING: int
RM_PROGRESS: int
RM_FINISHED: int
RM_STOPPED: int
RM_ERROR: int
RM_ERROR2: int
RM_PAUSED: int
RM_QUEUE: int
RM_NONE: int
RDATA_RENDERENGINE: int
RDATA_FRAMESEQUENCE: int
RDATA_FRAMEFROM: int
RDATA_FRAMETO: int
RDATA_FRAMESTEP: int
C4DPL_COMMANDLINEARGS: int
C4DPL_ENDPROGRAM: int
MSG_TIMER: int
BFH_LEFT: int
BFH_SCALEFIT: int
EDITTEXT_PASSWORD: int
DLG_TYPE_ASYNC: int
SCENEFILTER_NONE: int
PLUGINTYPE_VIDEOPOST: int
VIDEOPOSTCALL_FRAMESEQUENCE: int
VIDEOPOSTCALL_FRAME: int
VIDEOPOSTCALL_SUBFRAME: int
VIDEOPOSTCALL_RENDER: int
VIDEOPOSTCALL_INNER: int
RENDERRESULT_OK: int
RENDERRESULT_OUTOFMEMORY: int
RENDERRESULT_USERBREAK: int
RENDERFLAGS_EXTERNAL: int
RENDERFLAGS_PREVIEWRENDER: int
RENDERFLAGS_IRR: int

def CheckIsRunning(type: int) -> bool: ...
def GetC4DVersion() -> int: ...

class BaseTime:
    def __init__(self, frame: float = ..., fps: int = ...) -> None: ...
    def GetFrame(self, fps: int) -> int: ...

class BaseContainer:
    def __getitem__(self, id: int) -> Any: ...
