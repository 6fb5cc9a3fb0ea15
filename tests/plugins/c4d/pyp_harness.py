"""Cinema 4D's start-up played against the fake c4d with the BUILT plugin folder's rendertally.pyp.

Usage: python -S pyp_harness.py PLUGIN_FOLDER, PYTHONPATH = the fake c4d only (checkout hidden).
C4D runs each .pyp as __main__ (knowing its folder, where the effect's res/ is), then sends
C4DPL_COMMANDLINEARGS; here a Picture Viewer render of 5 frames follows, then the same render with
the "RenderTally" effect added and the user breaking it off after 3 frames, then C4DPL_ENDPROGRAM.
Prints RESULT {json}.
"""
import json
import os
import runpy
import sys

import c4d

c4d._reset()
c4d.plugins._plugin_folder[0] = sys.argv[1]
c4d.documents._state["active"] = c4d.documents.BaseDocument(engine=1029988, sequence=0, first=1, last=5)
module = runpy.run_path(os.path.join(sys.argv[1], "rendertally.pyp"), run_name="__main__")
from rendertally.core import guard  # noqa: E402

swallowed = []
guard.on_swallowed(lambda exc: swallowed.append(repr(exc)))
import rendertally.plugins.c4d as adapter  # noqa: E402
import requests  # noqa: E402

sys.argv = ["Cinema 4D"]
module["PluginMessage"](c4d.C4DPL_COMMANDLINEARGS, None)
_, watcher = c4d.plugins.registered[1000001]
c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
watcher.CoreMessage(c4d.MSG_TIMER, None)
c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
watcher.CoreMessage(c4d.MSG_TIMER, None)

doc = c4d.documents.GetActiveDocument()
doc.GetActiveRenderData().InsertVideoPost(c4d.documents.BaseVideoPost(1000003))  # the effect, by its id
c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = True
watcher.CoreMessage(c4d.MSG_TIMER, None)
results = c4d.documents._render(doc, range(1, 6), break_after=3,
                                between=lambda i: watcher.CoreMessage(c4d.MSG_TIMER, None))
c4d._running[c4d.CHECKISRUNNING_EXTERNALRENDERING] = False
watcher.CoreMessage(c4d.MSG_TIMER, None)
module["PluginMessage"](c4d.C4DPL_ENDPROGRAM, None)
print("RESULT " + json.dumps({"adapter": adapter.__file__, "requests": requests.__file__, "swallowed": swallowed,
                              "effect_results": sorted({r for _vp, _open, r in results}),
                              "plugins": sorted(name for name, _ in c4d.plugins.registered.values())}), flush=True)
