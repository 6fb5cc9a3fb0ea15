"""Is this process a render farm's task? Then, with farm-level reporting on, it reports nothing.

A farm manager (Deadline 10, AWS Deadline Cloud, OpenCue) splits one job into tasks over many
nodes; with ``farm_reporting`` on (a studio's site config), RenderTally reports the job once from
the manager (:mod:`rendertally.plugins.farm`), so a host adapter running inside a task must not
report its chunk as well, or the job is counted twice.

Each manager is recognised by the environment it gives the processes of a task:

- OpenCue: RQD sets ``CUE_JOB``, ``CUE_LAYER`` and ``CUE_FRAME`` for every frame it runs
  (https://www.opencue.io/docs/reference/ — "Environment variables" of a frame).
- AWS Deadline Cloud: the worker agent runs a session's actions with ``DEADLINE_SESSION_ID`` and
  ``DEADLINE_JOB_ID`` set (https://docs.aws.amazon.com/deadline-cloud/latest/developerguide/).
- Thinkbox Deadline 10: no variable of its own, so RenderTally's event plugin puts
  ``RENDERTALLY_FARM_TASK=deadline10`` into each submitted job's environment (Job Properties ▸
  Environment, applied to the render process: "Render Environment" in Deadline's manual).
- Any other manager: set ``RENDERTALLY_FARM_TASK=<name>`` in the task's environment.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping

log = logging.getLogger(__name__)

MARKER = "RENDERTALLY_FARM_TASK"
_SIGNS = (
    ("opencue", ("CUE_JOB", "CUE_FRAME")),
    ("deadline-cloud", ("DEADLINE_SESSION_ID", "DEADLINE_JOB_ID")),
)


def manager(environ: Mapping[str, str] | None = None) -> str | None:
    """The farm manager whose task this process is (``opencue``, ``deadline-cloud``, …), or None."""
    env = os.environ if environ is None else environ
    marked = env.get(MARKER, "").strip()
    if marked and marked.lower() not in ("0", "no", "off", "false"):
        return marked
    for name, names in _SIGNS:
        if all(env.get(var, "").strip() for var in names):
            return name
    return None


def reported_by_farm(farm_reporting: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The manager that reports this task's job instead of us, or None when we report it ourselves."""
    if (farm_reporting or "off") != "on":
        return None
    return manager(environ)
