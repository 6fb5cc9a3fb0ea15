"""Not shipped: a misspelt notification name that the type check must catch."""
from pymxs import runtime as rt


def register() -> None:
    rt.callbacks.addScript(rt.Name("postRenderFrames"), lambda: None, id=rt.Name("rendertally"))
