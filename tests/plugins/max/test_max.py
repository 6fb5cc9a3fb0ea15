"""The 3ds Max adapter against the fake pymxs: engines, frames, cancel, menus, registration."""
from __future__ import annotations

import pytest
from rendertally.core.reporter import get_reporter
from rendertally.core.sandbox import Sandbox
from rendertally.plugins.max import scene

from .conftest import render


@pytest.fixture
def sandbox(credentials_env):
    with Sandbox() as box:
        credentials_env(box.url)
        yield box


def deliver():
    assert get_reporter().flush(20, force=True)


def use(rt, renderer: str, *, time_type: int = 3, start: int = 1, end: int = 3) -> None:
    import pymxs

    rt.renderers.current = pymxs.RendererClass(renderer)()
    rt.rendTimeType, rt.rendStart, rt.rendEnd = time_type, pymxs.Time(start), pymxs.Time(end)


@pytest.mark.parametrize(("renderer", "engine"), [
    ("Default_Scanline_Renderer", "Scanline"), ("ART_Renderer", "ART"), ("V_Ray_7_Hotfix_1", "V-Ray"),
    ("V_Ray_GPU_7_Hotfix_1", "V-Ray GPU"), ("Corona_12", "Corona"), ("Arnold", "Arnold"),
    ("Redshift_Renderer", "Redshift"), ("Octane3dsmax", "Octane"), ("Quicksilver_Hardware_Renderer", "Quicksilver"),
    ("FStormRender", "FStormRender"),
])  # fmt: skip
def test_each_renderer_is_reported_by_name_with_its_frames(rt, sandbox, renderer, engine):
    """A 3-frame range render is one Done job with the renderer's readable name and Max's year."""
    from rendertally.plugins import max as adapter

    adapter.register()
    use(rt, renderer)
    render(rt, 3)
    deliver()
    (job,) = [entry["request"] for entry in sandbox.jobs]
    assert (job["RenderEngine"], job["Frames"], job["JobStatus"]) == (engine, "3", "1")
    assert (job["SoftwareName"], job["SoftwareVersion"]) == ("MAX", "2026")


def test_fewer_frames_than_asked_is_aborted_interactively_and_failed_on_a_node(rt, sandbox):
    """A render that stops at 4 of 10 frames is Aborted in the UI (Cancel) and Failed in quiet mode."""
    from rendertally.plugins import max as adapter

    adapter.register()
    use(rt, "V_Ray_7_Hotfix_1", start=1, end=10)
    render(rt, 4)
    rt.reset(quiet=True)
    adapter.register()
    use(rt, "Arnold", start=1, end=10)
    render(rt, 4)
    deliver()
    assert [(j["request"]["Frames"], j["request"]["JobStatus"]) for j in sandbox.jobs] == [("4", "2"), ("4", "3")]


def test_shutdown_mid_render_reports_failed(rt, sandbox):
    """#preSystemShutdown while a render is open closes it as Failed with the frames done."""
    from rendertally.plugins import max as adapter

    adapter.register()
    use(rt, "Corona_12", start=1, end=5)
    rt.callbacks.broadcastCallback(rt.Name("preRender"))
    rt.callbacks.broadcastCallback(rt.Name("postRenderFrame"))
    rt.callbacks.broadcastCallback(rt.Name("preSystemShutdown"))
    deliver()
    assert [(j["request"]["Frames"], j["request"]["JobStatus"]) for j in sandbox.jobs] == [("1", "3")]


def test_a_render_already_running_when_we_load_is_started_by_its_next_frame(rt, sandbox):
    """Loaded after #preRender: the next #preRenderFrame opens the job, so the render is still counted."""
    from rendertally.plugins import max as adapter

    use(rt, "ART_Renderer", start=1, end=2)
    rt.callbacks.broadcastCallback(rt.Name("preRender"))
    adapter.register()
    for _ in range(2):
        rt.callbacks.broadcastCallback(rt.Name("preRenderFrame"))
        rt.callbacks.broadcastCallback(rt.Name("postRenderFrame"))
    rt.callbacks.broadcastCallback(rt.Name("postRender"))
    deliver()
    assert [(j["request"]["RenderEngine"], j["request"]["Frames"], j["request"]["JobStatus"])
            for j in sandbox.jobs] == [("ART", "2", "1")]


def test_registering_twice_never_doubles_and_unregister_removes_everything(rt):
    """A reload replaces our callbacks (id #rendertally); unregister leaves none of ours."""
    from rendertally.plugins import max as adapter

    rt.callbacks.addScript(rt.Name("preRender"), lambda: None, id=rt.Name("someoneElse"))
    adapter.register()
    adapter.register()
    ours = [name for name, _, owner in rt.callbacks.registered if owner == "rendertally"]
    assert sorted(ours) == sorted(["preRender", "preRenderFrame", "postRenderFrame", "postRender", "preSystemShutdown"])
    adapter.unregister()
    assert [owner for _, _, owner in rt.callbacks.registered] == ["someoneElse"]


def test_the_menu_on_max_2024_is_built_with_menuman_and_removed(rt):
    """≤2024: a RenderTally menu of two macroScript actions in the main menu bar; unregister removes it."""
    from rendertally.plugins import max as adapter

    rt.reset(year=2024)
    adapter.register()
    menu = rt.menuMan.findMenu("RenderTally")
    assert [item[1] for item in menu.items] == ["RenderTallySettings", "RenderTallySendNow"]
    assert any(item[0] == "submenu" and item[2] is menu for item in rt.menuMan.main.items)
    adapter.unregister()
    assert rt.menuMan.findMenu("RenderTally") is None and rt.menuMan.main.items == []


def test_the_menu_on_max_2025_comes_from_the_pre_start_up_script(rt):
    """2025+: Python registers no menu callback (too late at post-start-up); the bundle's .ms does."""
    from rendertally.plugins import max as adapter
    from rendertally.plugins.max.menu import menus_script

    adapter.register()
    assert not any(name == "cuiRegisterMenus" for name, _, _ in rt.callbacks.registered)
    script = menus_script()
    assert "callbacks.addScript #cuiRegisterMenus rendertallyRegisterMenus id:#rendertallyMenus" in script
    assert 'CreateSubMenu "4c6f1f1e-9a52-4d0e-9d8e-52a7d2b0e001" "RenderTally"' in script
    assert script.count("CreateAction") == 2 and "647394" in script
    assert script.count("macroScript") == 2 and all(("RenderTally" in text) for text in rt._executed)


def test_settings_opens_the_panel_parented_to_max(rt, qtbot, monkeypatch):
    """Settings… shows the shared panel as a tool window of qtmax.GetQMaxMainWindow()."""
    import qtmax
    import rendertally.ui as ui
    from rendertally.plugins.max import menu

    monkeypatch.setattr(ui, "_panel", None)  # one panel per process: this test's own, forgotten after
    menu.settings()

    assert ui._panel is not None and ui._panel.parent() is qtmax.GetQMaxMainWindow()
    qtbot.addWidget(ui._panel)


@pytest.mark.parametrize(("args", "expected"), [
    ((1, 0, 100, 1, ""), 1), ((3, 1, 10, 1, ""), 10), ((3, 1, 10, 3, ""), 4), ((3, 10, 1, 1, ""), 10),
    ((4, 0, 0, 1, "1,3,5-12"), 10), ((4, 0, 0, 1, "1-3, 2-4"), 4), ((4, 0, 0, 1, "a-b"), None),
])  # fmt: skip
def test_frames_expected_follow_the_time_output_settings(args, expected):
    """Single, range with every Nth frame, and pickup lists give the frames Max will render."""
    assert scene.expected_frames(*args) == expected


def test_the_version_is_the_product_year():
    """maxVersion()'s 8th element is the year; older arrays fall back to the release number."""
    assert scene.software_version([28000, 55, 0, 0, 0, 0, 0, 2026, 0]) == "2026"
    assert scene.software_version([25000, 52, 0]) == "2023"
