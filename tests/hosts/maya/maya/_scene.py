"""The fake's scene: nodes with attributes, fileInfo, time, render layers; saved and opened as JSON."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

# defaultRenderGlobals attributes the adapter reads or writes, with Maya's defaults.
# https://help.autodesk.com/cloudhelp/2025/ENU/Maya-Tech-Docs/Nodes/renderGlobals.html
RENDER_GLOBALS = {
    "currentRenderer": "mayaSoftware", "startFrame": 1.0, "endFrame": 10.0, "byFrameStep": 1.0,
    "animation": False, "preMel": "", "postMel": "", "preRenderLayerMel": "", "postRenderLayerMel": "",
    "preRenderMel": "", "postRenderMel": "",
}
STRING_ATTRS = {"currentRenderer", "preMel", "postMel", "preRenderLayerMel", "postRenderLayerMel",
                "preRenderMel", "postRenderMel"}
REDSHIFT_OPTIONS = {"preRenderMel": "", "postRenderMel": ""}


class Scene:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {
            "defaultRenderGlobals": {"type": "renderGlobals", "attrs": dict(RENDER_GLOBALS)},
            "perspShape": {"type": "camera", "attrs": {"renderable": True}},
            "topShape": {"type": "camera", "attrs": {"renderable": False}},
            "defaultRenderLayer": {"type": "renderLayer", "attrs": {"renderable": True}},
        }
        self.file_info: dict[str, str] = {}
        self.time = 1.0
        self.layer = "defaultRenderLayer"
        self.name = ""

    def add_node(self, name: str, node_type: str, attrs: dict[str, Any]) -> None:
        self.nodes[name] = {"type": node_type, "attrs": dict(attrs)}

    def plug(self, plug: str) -> tuple[dict[str, Any], str]:
        node, sep, attr = plug.partition(".")
        if not sep or node not in self.nodes:
            raise ValueError(f"No object matches name: {plug}")
        attrs = self.nodes[node]["attrs"]
        if attr not in attrs:
            raise ValueError(f"No object matches name: {plug}")
        return attrs, attr

    def to_json(self) -> str:
        return json.dumps({"nodes": self.nodes, "fileInfo": self.file_info, "time": self.time,
                           "layer": self.layer}, sort_keys=True, indent=1)

    def save(self, path: str) -> None:
        Path(path).write_text(self.to_json())
        self.name = path

    def open(self, path: str) -> None:
        data = json.loads(Path(path).read_text())
        self.nodes = copy.deepcopy(data["nodes"])
        self.file_info = dict(data["fileInfo"])
        self.time, self.layer, self.name = data["time"], data["layer"], path


scene = Scene()
