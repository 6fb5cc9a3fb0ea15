"""Nothing in a Maya hook touches the network: against a hanging API, no socket is opened on Maya's thread."""
from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from rendertally.core.sandbox import Sandbox

from tests.conftest import SECRET_KEY, TEST_ID


def test_a_ten_frame_render_against_a_hanging_api_opens_no_socket_on_mayas_thread(
        fake_maya: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10-frame Arnold render, then kMayaExiting with a zero wait: every connect happened on the sender's thread."""
    from maya import cmds
    from maya.api import OpenMaya
    from rendertally.plugins.maya import delivery, hooks, scene
    from rendertally.plugins.maya.recorder import Recorder

    connects: list[str] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        connects.append(threading.current_thread().name)
        return real_connect(self, address)

    with Sandbox(fault="hang") as box:
        monkeypatch.setenv("RENDERTALLY_URL", box.url)
        monkeypatch.setenv("RENDERTALLY_ID", TEST_ID)
        monkeypatch.setenv("RENDERTALLY_KEY", SECRET_KEY)
        monkeypatch.setenv("RENDERTALLY_EXIT_WAIT", "0")
        monkeypatch.setattr(socket.socket, "connect", connect)
        hooks.add(Recorder(version=scene.software_version(), batch=True))
        delivery.start()
        cmds.setAttr("defaultRenderGlobals.currentRenderer", "arnold", type="string")
        main = threading.current_thread().name
        fake_maya.render_mel(range(1, 11))
        fake_maya.render_mel(range(1, 11))
        for _ in range(200):  # let the sender reach the API (so the check below is not vacuous)
            if connects:
                break
            threading.Event().wait(0.05)
        OpenMaya._fire(OpenMaya.MSceneMessage.kMayaExiting)
        assert connects, "the sender never tried to send"
        assert main not in connects
