"""The tiny scene the demo, the Blender tests and the benchmarks render.

Blender's factory startup scene (cube, camera, light) with Cycles on the CPU at 32x32: it renders
in milliseconds here, where EEVEE takes ~35 s for its first frame without a GPU. Takes the
``bpy`` module as an argument so that importing this file never imports Blender.
"""
from __future__ import annotations

from typing import Any


def tiny_cycles_scene(bpy: Any, *, samples: int = 4) -> Any:
    """Set the current scene up for a fast Cycles render and return it."""
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = False
    scene.render.resolution_x = scene.render.resolution_y = 32
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"
    return scene
