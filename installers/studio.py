"""``rendertally build all``: every host's artifact plus a studio folder for a TD's rollout.

    OUT/blender/ OUT/maya/ OUT/max/ OUT/c4d/     each host's artifact(s), as `build HOST` writes them
    OUT/studio/site-config.sample.json          the studio's fixed settings (Id, URL, farm reporting)
    OUT/studio/README.md                        what to copy where (see docs/studio.md for more)
    OUT/studio/rendertally-install.pyz          the installer for these artifacts, any Python 3.9+

The same sources give the same bytes: the archives are written with fixed dates, the texts
carry no time.
"""
from __future__ import annotations

import json
from pathlib import Path

from rendertally.core import __version__

SITE_CONFIG = {
    "id": "YOUR-ACCOUNT-ID",
    "url": "https://big.stratuscore.com",
    "farm_reporting": "off",
    "overridable": ["email", "mission_id", "job_type"],
}

TD_README = """# RenderTally {version} for a studio

Artifacts, one folder per host (built by `rendertally build all`):

| host | folder | install (one machine) |
|---|---|---|
| Blender 4.2+ | `blender/` | Preferences ▸ Get Extensions ▸ Install from Disk…, or a shared extension repository |
| Maya 2023–2027 | `maya/RenderTally/` | a modules folder (`MAYA_MODULE_PATH` entry for every user) |
| 3ds Max 2023–2027 | `max/RenderTally.bundle/` | `%PROGRAMDATA%\\\\Autodesk\\\\ApplicationPlugins\\\\` |
| Cinema 4D 2023–2026 | `c4d/RenderTally/` | a folder on `g_additionalModulePath` |

Install, upgrade or remove on a machine with any Python 3.9+ (the host's own too), from this
folder: `python studio/rendertally-install.pyz install maya --scope site` (HOST: blender, maya,
max, c4d, all; `status` shows what is installed where; `uninstall` removes only what it wrote).
See docs/studio.md for the locations and flags.

Settings for every machine: copy `site-config.sample.json` to a share, fill in the Id (and URL),
and point `RENDERTALLY_SITE_CONFIG` at it on every workstation and render node. Values in it are
fixed for users unless listed in `overridable`. Put the Key in each render node's environment
(`RENDERTALLY_KEY`) or let artists enter theirs in the settings panel; it is never written to a
shared file by RenderTally. With a farm manager reporting farm jobs, set `farm_reporting` to
`on` and see docs/farm.md.

Check a machine: `rendertally doctor` (`--json` for scripts), `rendertally test` (posts one Test
job), `rendertally outbox list --json` (what it reported).
"""


def build(out: Path) -> list[Path]:
    """Build every host into ``out/<host>/`` and write ``out/studio/``; returns the written paths."""
    from . import BUILDERS
    from . import build as build_host

    out = Path(out)
    written: list[Path] = []
    for host in BUILDERS:
        written.extend(build_host(host, out / host))
    studio = out / "studio"
    studio.mkdir(parents=True, exist_ok=True)
    config = studio / "site-config.sample.json"
    config.write_text(json.dumps(SITE_CONFIG, indent=2) + "\n", encoding="utf-8")
    readme = studio / "README.md"
    readme.write_text(TD_README.format(version=__version__), encoding="utf-8")
    from .zipapp import build as build_zipapp

    return [*written, config, readme, build_zipapp(studio)]
