"""Cinema 4D's start-up played against the fake c4d with the BUILT plugin folder's rendertally.pyp.

Usage: python -S pyp_harness.py PLUGIN_FOLDER, PYTHONPATH = the fake c4d only (checkout hidden).
C4D runs each .pyp as __main__, then sends C4DPL_COMMANDLINEARGS; here a Picture Viewer render
of 5 frames follows, then C4DPL_ENDPROGRAM. Prints RESULT {json}.
"""
import json
import os
import runpy
import sys

import c4d

c4d._reset()
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
module["PluginMessage"](c4d.C4DPL_ENDPROGRAM, None)
print("RESULT " + json.dumps({"adapter": adapter.__file__, "requests": requests.__file__, "swallowed": swallowed,
                              "plugins": sorted(name for name, _ in c4d.plugins.registered.values())}), flush=True)
