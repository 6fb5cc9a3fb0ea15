"""Per-scene overrides of the mission id and job type, in the Output properties.

They belong to the scene (saved in the .blend, travelling with it to a render node) and are
read when a render starts (:func:`.scene.describe`); empty means "the preferences' default".

(No ``from __future__ import annotations`` here: Blender reads the property annotations.)
"""
from typing import Any

import bpy
from bpy.props import EnumProperty, PointerProperty, StringProperty
from rendertally.core.guard import guarded
from rendertally.core.job import MISSION_ID_LIMIT, JobType

from . import preferences

JOB_TYPES = [("DEFAULT", "Default", "Use the default job type of the RenderTally preferences", 0)] + [
    (t.name, t.name.capitalize(), f"Report this scene's renders as {t.name.lower()} jobs", int(t.value))
    for t in JobType
]


class RenderTallySceneSettings(bpy.types.PropertyGroup):
    """What RenderTally reports for this scene's renders, where it differs from the defaults."""

    mission_id: StringProperty(name="Mission id", maxlen=MISSION_ID_LIMIT,
                               description="Sent with this scene's renders; empty: the preferences' mission id")
    job_type: EnumProperty(name="Job type", items=JOB_TYPES, default="DEFAULT",
                           description="The job type of this scene's renders")


class RENDERTALLY_PT_output(bpy.types.Panel):
    """RenderTally's part of the Output properties."""

    bl_label = "RenderTally"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "output"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        draw(self.layout, context.scene)


@guarded
def draw(layout: Any, scene: Any) -> None:
    """The panel's layout (also drawn by tests into a recording layout)."""
    values = scene.rendertally
    layout.use_property_split = True
    layout.prop(values, "mission_id")
    layout.prop(values, "job_type")
    defaults = preferences.current()
    mission = values.mission_id.strip() or defaults.mission_id or "none"
    job_type = defaults.job_type if values.job_type == "DEFAULT" else values.job_type.lower()
    layout.label(text=f"Reported with mission id {mission}, as {job_type} jobs", icon="INFO")


CLASSES = (RenderTallySceneSettings, RENDERTALLY_PT_output)


def add_scene_property() -> None:
    bpy.types.Scene.rendertally = PointerProperty(type=RenderTallySceneSettings)


def remove_scene_property() -> None:
    if hasattr(bpy.types.Scene, "rendertally"):
        del bpy.types.Scene.rendertally
