# RenderTally's minimal stub of 3ds Max's qtmax module (3ds Max Python API: GetQMaxMainWindow).
from typing import Any

def GetQMaxMainWindow() -> Any: ...
