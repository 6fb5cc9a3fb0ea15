"""The add-on preferences: the shared settings store, edited inside Blender.

Every value is read from and written to ``rendertally.core.settings`` (the same store Maya,
Max, C4D and the CLI use) through ``get=``/``set=`` callbacks, so Blender keeps none of them in
``userpref.blend``: the Key is never in Blender's preferences file. A value that does not
validate is not saved, and the reason is shown here instead of raising into Blender. Values
fixed by the environment or a studio's site config are shown read-only with their source.

(No ``from __future__ import annotations`` here: Blender reads the property annotations.)
"""
import logging
import time
from typing import TYPE_CHECKING, Any, Callable, Optional

import bpy
from bpy.props import BoolProperty, EnumProperty, StringProperty
from rendertally.core.errors import RenderTallyError, ValidationError
from rendertally.core.guard import guarded
from rendertally.core.job import JobType

from . import status
from .operators import RENDERTALLY_OT_retry_rejected, RENDERTALLY_OT_send_pending

if TYPE_CHECKING:
    from rendertally.core.settings import Settings

log = logging.getLogger(__name__)

# property name → settings field
FIELDS = {
    "account_id": "id",
    "account_key": "key",
    "email": "email",
    "job_type": "job_type",
    "mission_id": "mission_id",
    "url": "url",
    "wire_format": "format",
    "proxy": "proxy",
    "ca_bundle": "ca_bundle",
}
JOB_TYPES = [(t.name.lower(), t.name.capitalize(), f"Report renders as {t.name.lower()} jobs", int(t.value))
             for t in JobType]
LABELS = {"id": "Id", "key": "Key", "email": "E-mail", "job_type": "Default job type", "mission_id": "Mission id",
          "url": "API URL", "format": "Format", "proxy": "Proxy", "ca_bundle": "CA bundle"}
FORMATS = [("json", "JSON", "Send reports as JSON", 0), ("xml", "XML", "Send reports as XML", 1)]
SETTINGS_MAX_AGE = 1.0

problems: dict[str, str] = {}  # settings field → why the last change was not saved
_cache: "Optional[tuple[float, Settings]]" = None


def _settings() -> Any:
    # Imported on the first draw or change, not at register: the settings module brings the
    # keyring, platformdirs and the wire format, which Blender's start-up should not pay for.
    from rendertally.core import settings

    return settings


def current() -> "Settings":
    """The effective settings, read at most once a second (Blender calls getters on each redraw)."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] >= SETTINGS_MAX_AGE:
        _cache = (now, _settings().load())
    return _cache[1]


def forget() -> None:
    global _cache
    _cache = None


def save(field: str, value: Any) -> bool:
    """Write one setting; on a validation or configuration error keep the reason for the UI."""
    try:
        _settings().save({field: value})
    except RenderTallyError as exc:
        message = exc.message if isinstance(exc, ValidationError) else str(exc)
        problems[field] = f"{LABELS[field]} not saved: {message}"
        log.warning("RenderTally: %s", problems[field])
        return False
    finally:
        forget()
    problems.pop(field, None)
    return True


def _text(field: str) -> tuple[Callable[[Any], str], Callable[[Any, str], None]]:
    read = guarded(lambda: getattr(current(), field))
    write = guarded(lambda value: save(field, value))

    def get(self):  # Blender checks the argument count of get/set: no *args wrappers here
        value = read()
        return "" if value is None else str(value)

    def set(self, value):  # noqa: A001 - Blender's keyword
        write(value)

    return get, set


def _choice(field: str, items: list) -> tuple[Callable[[Any], int], Callable[[Any, int], None]]:
    numbers = {identifier: number for identifier, _, _, number in items}
    names = {number: identifier for identifier, _, _, number in items}
    read = guarded(lambda: numbers.get(str(getattr(current(), field)).lower()))
    write = guarded(lambda number: save(field, names[number]))

    def get(self):
        value = read()
        return items[0][3] if value is None else value

    def set(self, value):  # noqa: A001 - Blender's keyword
        write(value)

    return get, set


def _string(field: str, description: str, **options: Any) -> Any:
    get, set_ = _text(field)
    return StringProperty(name=LABELS[field], description=description, get=get, set=set_, **options)


def _enum(field: str, description: str, items: list) -> Any:
    get, set_ = _choice(field, items)
    return EnumProperty(name=LABELS[field], description=description, items=items, get=get, set=set_)


class RenderTallyPreferences(bpy.types.AddonPreferences):
    """RenderTally's settings (``bl_idname`` is set to the extension's package at register)."""

    bl_idname = "rendertally"

    account_id: _string("id", "Your account's Id at the render service")
    account_key: _string("key", "Your account's Key (kept in the OS keyring where one works, else in "
                                "RenderTally's own settings file; never in Blender's)", subtype="PASSWORD")
    email: _string("email", "The e-mail address sent with each report")
    job_type: _enum("job_type", "The job type of every render, unless a scene overrides it in its "
                                "Output properties", JOB_TYPES)
    mission_id: _string("mission_id", "Sent with each report, unless a scene overrides it in its "
                                      "Output properties")
    url: _string("url", "The render service's address (https)")
    wire_format: _enum("format", "How reports are encoded", FORMATS)
    proxy: _string("proxy", "An HTTP(S) proxy, like http://proxy.example.com:3128")
    ca_bundle: _string("ca_bundle", "A PEM file of the CA certificates to trust (a studio's "
                                    "TLS-inspecting proxy)", subtype="FILE_PATH")
    show_advanced: BoolProperty(name="Advanced", default=False)

    def draw(self, context):
        draw(self.layout, self, context)


def _field_row(layout: Any, prefs: Any, prop: str, values: "Settings") -> None:
    field = FIELDS[prop]
    row = layout.row()
    if field in values.fixed:
        row.enabled = False
        row.prop(prefs, prop)
        note = layout.row()
        note.label(text=f"Set by the {values.sources[field]}; read-only here", icon="LOCKED")
    else:
        row.prop(prefs, prop)
    if field in problems:
        alert = layout.row()
        alert.alert = True
        alert.label(text=problems[field], icon="ERROR")


@guarded
def draw(layout: Any, prefs: Any, context: Any) -> None:  # noqa: ARG001 - Blender's signature
    """The preferences' layout (also drawn by tests into a recording layout)."""
    values = current()
    account = layout.box()
    account.label(text="Account", icon="USER")
    for prop in ("account_id", "account_key", "email"):
        _field_row(account, prefs, prop, values)

    defaults = layout.box()
    defaults.label(text="Every render", icon="RENDER_STILL")
    for prop in ("job_type", "mission_id"):
        _field_row(defaults, prefs, prop, values)
    defaults.label(text="A scene can override these in its Output properties ▸ RenderTally.", icon="INFO")

    advanced = layout.box()
    advanced.prop(prefs, "show_advanced", icon="TRIA_DOWN" if prefs.show_advanced else "TRIA_RIGHT", emboss=False)
    if prefs.show_advanced:
        for prop in ("url", "wire_format", "proxy", "ca_bundle"):
            _field_row(advanced, prefs, prop, values)
        advanced.label(text=f"Settings file: {_settings().user_file()}", icon="FILE")

    for line in values.problems:
        row = layout.row()
        row.alert = True
        row.label(text=line, icon="ERROR")

    box = layout.box()
    box.label(text="Status", icon="INFO")
    for icon, text in status.snapshot().lines():
        row = box.row()
        row.alert = icon == "ERROR"
        row.label(text=text, icon=icon)
    buttons = box.row()
    buttons.operator(RENDERTALLY_OT_send_pending.bl_idname, icon="EXPORT")
    buttons.operator(RENDERTALLY_OT_retry_rejected.bl_idname, icon="FILE_REFRESH")


def prefs_class(package: str) -> type:
    """The preferences class, bound to the extension's package name (``bl_ext.<repo>.rendertally``)."""
    RenderTallyPreferences.bl_idname = package
    return RenderTallyPreferences
