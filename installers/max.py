"""Build the 3ds Max ApplicationPlugins bundle: ``RenderTally.bundle/`` and a zip of it.

Layout (Autodesk's "Packaging plug-ins" for 3ds Max, PackageContents.xml format:
https://help.autodesk.com/cloudhelp/2025/ENU/MAXDEV-Developer/files/writing_plug-ins/plugin_package/packagexml_format.html
— AutodeskProduct "3ds Max", ProductType "Application", AppVersion "MMM.mmm.bbb" and an UpgradeCode
required; a package with the same UpgradeCode and a higher AppVersion wins):

    RenderTally.bundle/
        PackageContents.xml                       SeriesMin 2023; one post-start-up component
        Contents/rendertally_startup.py           appends Contents/lib, registers the adapter
        Contents/lib/                             our packages + pure-Python dependencies

Installed by copying the folder to ``%APPDATA%\\Autodesk\\ApplicationPlugins`` (one user) or
``%PROGRAMDATA%\\Autodesk\\ApplicationPlugins`` (every user); Max loads it at start-up.
"""
from __future__ import annotations

import logging
from pathlib import Path
from xml.sax.saxutils import quoteattr

from rendertally.core import __version__

from .bundle import DEPENDENCIES, library_files, prefixed, source, write_tree, write_zip
from .maya import oldest_python_dependencies

log = logging.getLogger(__name__)

BUNDLE = "RenderTally.bundle"
STARTUP = "Contents/rendertally_startup.py"
MENUS = "Contents/rendertally_menus.ms"  # pre-start-up, 2025+: the menu callback must exist early
SERIES_MIN, SERIES_MAX = "2023", "2027"
MENUS_SERIES_MIN = "2025"
# Fixed ids: an upgrade replaces the same package instead of installing a second one.
PRODUCT_CODE = "{7D3C6B0E-4B1F-4E4C-9A0B-2F1C5D8E7A11}"
UPGRADE_CODE = "{7D3C6B0E-4B1F-4E4C-9A0B-2F1C5D8E7A12}"


def package_contents() -> str:
    """PackageContents.xml: what Max's plug-in loader reads from the bundle."""
    version = quoteattr(__version__)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<ApplicationPackage SchemaVersion="1.0" AutodeskProduct="3ds Max" ProductType="Application" '
        f'Name="RenderTally" AppVersion={version} ProductCode="{PRODUCT_CODE}" UpgradeCode="{UPGRADE_CODE}" '
        'Description="Reports every finished render to the render service" Author="RenderTally">\n'
        '  <CompanyDetails Name="RenderTally" />\n'
        '  <Components Description="post-start-up scripts parts">\n'
        f'    <RuntimeRequirements OS="Win64" Platform="3ds Max" SeriesMin="{SERIES_MIN}" SeriesMax="{SERIES_MAX}" />\n'
        f'    <ComponentEntry AppName="RenderTally" Version={version} ModuleName="./{STARTUP}" />\n'
        '  </Components>\n'
        '  <Components Description="pre-start-up scripts parts">\n'
        f'    <RuntimeRequirements OS="Win64" Platform="3ds Max" SeriesMin="{MENUS_SERIES_MIN}" SeriesMax="{SERIES_MAX}" />\n'
        f'    <ComponentEntry AppName="RenderTallyMenus" Version={version} ModuleName="./{MENUS}" />\n'
        '  </Components>\n'
        '</ApplicationPackage>\n'
    )


def bundle_files() -> dict[str, bytes]:
    """Name (inside the bundle) → bytes."""
    from rendertally.plugins.max.menu import menus_script

    files = {"PackageContents.xml": package_contents().encode(), STARTUP: source("rendertally.plugins.max.startup"),
             MENUS: menus_script().encode()}
    # Max 2023 runs Python 3.9: the same dependency pick as Maya's (pure Python, 3.9-compatible).
    dependencies = oldest_python_dependencies()
    files.update(prefixed(library_files("max", dependencies=() if dependencies else DEPENDENCIES), "Contents/lib"))
    files.update(prefixed(dependencies, "Contents/lib"))
    return files


def build(out: Path) -> list[Path]:
    """Write ``out/RenderTally.bundle/`` and ``out/RenderTally-max-<version>.zip``; returns both."""
    out = Path(out)
    files = bundle_files()
    folder = out / BUNDLE
    write_tree(files, folder)
    archive = write_zip(prefixed(files, BUNDLE), out / f"RenderTally-max-{__version__}.zip")
    log.info("Wrote %s and %s", folder, archive)
    return [folder, archive]
