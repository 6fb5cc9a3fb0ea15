"""Not shipped: a call the c4d stub must refuse (CheckIsRunning takes an int constant)."""
import c4d


def rendering() -> bool:
    return c4d.CheckIsRunning("external")
