"""Settings: one store per user, shared by every host and the CLI.

Layers, lowest first: defaults < site config (a studio's JSON file named by
``RENDERTALLY_SITE_CONFIG``) < the user's file < environment (``RENDERTALLY_*``, for render
nodes). A value from the environment, or from the site config and not listed in its
``"overridable"``, is *fixed*: shown read-only, not saved over. The Key lives in the OS keyring
where one works, else in the user's file, which is owner-only.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

from . import keystore
from .endpoint import ENDPOINT, endpoint_url
from .errors import ConfigurationError, ValidationError
from .job import MISSION_ID_LIMIT, JobType, clean_email, clean_text
from .wire import FORMATS, Credentials

log = logging.getLogger(__name__)

DEFAULT_URL = "https://big.stratuscore.com"
FILE_NAME = "settings.json"


def _text(name: str, limit: int = 200) -> Callable[[Any], str | None]:
    return lambda value: clean_text(value, name, limit=limit, required=False)


def _job_type(value: Any) -> str | None:
    return JobType.parse(value, "job_type").name.lower() if value not in (None, "") else None


MIN_KEY_LENGTH = 6  # shorter Keys cannot be told apart from ordinary words when masked


def _url(value: Any) -> str | None:
    text = clean_text(value, "url", required=False)
    if text is None:
        return None
    # People paste the endpoint they see in the API's help page: keep its base only.
    stripped = text.rstrip("/")
    if stripped.lower().endswith("/" + ENDPOINT):
        text = stripped[: -len(ENDPOINT) - 1]
    try:
        endpoint_url(text)
    except ConfigurationError as exc:
        raise ValidationError("url", str(exc)) from None
    return text.rstrip("/")


def _format(value: Any) -> str | None:
    text = clean_text(value, "format", required=False)
    if text is not None and text.lower() not in FORMATS:
        raise ValidationError("format", f"must be json or xml, not {text!r}")
    return text.lower() if text else None


def _proxy(value: Any) -> str | None:
    text = clean_text(value, "proxy", required=False)
    if text is not None and not text.lower().startswith(("http://", "https://", "socks5://", "socks5h://")):
        raise ValidationError("proxy", f"{text!r} is not a proxy URL like http://proxy.example.com:3128")
    return text


def _ca_bundle(value: Any) -> str | None:
    text = clean_text(value, "ca_bundle", limit=1024, required=False)
    if text is not None and not Path(text).expanduser().is_file():
        raise ValidationError("ca_bundle", f"no file at {text!r}; give the path of a PEM CA bundle")
    return text


def _switch(name: str) -> Callable[[Any], str | None]:
    def clean(value: Any) -> str | None:
        text = str(value).strip().lower() if value not in (None, "") else ""
        if not text:
            return None
        if text in ("on", "true", "yes", "1"):
            return "on"
        if text in ("off", "false", "no", "0"):
            return "off"
        raise ValidationError(name, f"must be on or off, not {text[:20]!r}")

    return clean


# name -> (cleaner, default). Order is the order shown to people.
FIELDS: dict[str, tuple[Callable[[Any], str | None], str | None]] = {
    "id": (_text("id", 100), None),
    "key": (_text("key", 200), None),
    "email": (clean_email, None),
    "job_type": (_job_type, "normal"),
    "mission_id": (_text("mission_id", MISSION_ID_LIMIT), None),
    "url": (_url, DEFAULT_URL),
    "format": (_format, "json"),
    "proxy": (_proxy, None),
    "ca_bundle": (_ca_bundle, None),
    # on: a farm manager reports each farm job (rendertally.plugins.farm); host adapters running
    # inside one of its tasks report nothing (core.farmtask). Usually fixed by a site config.
    "farm_reporting": (_switch("farm_reporting"), "off"),
}


def env_name(field: str) -> str:
    return f"RENDERTALLY_{field.upper()}"


def home() -> Path:
    """The folder of the user's settings file and the outbox (a local disk, never the plugin's)."""
    configured = os.environ.get("RENDERTALLY_HOME", "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("RenderTally", appauthor=False, roaming=False))


def user_file() -> Path:
    return home() / FILE_NAME


@dataclasses.dataclass(frozen=True)
class Settings:
    """The effective settings, where each came from, and which are fixed. ``repr`` hides the Key."""

    id: str | None = None
    key: str | None = dataclasses.field(default=None, repr=False)
    email: str | None = None
    job_type: str = "normal"
    mission_id: str | None = None
    url: str | None = DEFAULT_URL  # None: a URL was given but is unusable (see problems)
    format: str = "json"
    proxy: str | None = None
    ca_bundle: str | None = None
    farm_reporting: str = "off"
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)
    fixed: frozenset = dataclasses.field(default_factory=frozenset, compare=False)
    problems: tuple = dataclasses.field(default=(), compare=False)

    def credentials(self) -> Credentials:
        """The Id and Key, or a :class:`ConfigurationError` saying how to set them."""
        missing = [name for name in ("id", "key") if not getattr(self, name)]
        if missing:
            names = " and ".join(name.capitalize() for name in missing)
            raise ConfigurationError(
                f"No {names} configured: run `rendertally settings set {missing[0]} VALUE`, "
                f"use the settings panel, or set {env_name(missing[0])}"
            )
        if self.url is None:
            problem = next((p for p in self.problems if ": url: " in p), "the API URL is not usable")
            raise ConfigurationError(f"{problem} (rendertally settings set url https://…)")
        return Credentials(self.id or "", self.key or "")

    def display(self, name: str) -> str:
        """A value as shown to people: the Key masked, missing values as '-'."""
        value = getattr(self, name)
        if name == "key" and value:
            return "*" * 8
        return "-" if value in (None, "") else str(value)


def _read_json(path: Path, what: str, problems: list[str]) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if what == "site config":
            problems.append(f"The site config {path} does not exist")
        return {}
    except json.JSONDecodeError as exc:
        problems.append(f"The {what} {path} has a JSON syntax error at line {exc.lineno}, column {exc.colno} "
                        f"({exc.msg}); it was ignored until that is fixed")
        return {}
    except (OSError, ValueError) as exc:
        problems.append(f"The {what} {path} could not be read ({type(exc).__name__}); it was ignored")
        return {}
    if not isinstance(data, dict):
        problems.append(f"The {what} {path} is not a JSON object; it was ignored")
        return {}
    return data


def _apply(values: dict[str, Any], sources: dict[str, str], layer: Mapping[str, Any], source: str,
           problems: list[str]) -> list[str]:
    applied = []
    for name, raw in layer.items():
        if name not in FIELDS:
            continue
        try:
            value = FIELDS[name][0](raw)
        except ValidationError as exc:
            # The field's name, and a message that never quotes a Key's value back.
            if name == "url":
                # Never fall back to the default (production) URL when another one was meant.
                values["url"], sources["url"] = None, source
                problems.append(f"{source}: url: {exc.message}; nothing is sent until it is fixed")
            else:
                problems.append(f"{source}: {name}: {exc.message} (ignored)")
            continue
        if value is not None:
            values[name], sources[name] = value, source
            applied.append(name)
    return applied


def _names(value: Any, source: str, problems: list[str]) -> set[str]:
    """The site config's ``overridable``: a list of setting names, or nothing."""
    if value is None:
        return set()
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return set(value)
    problems.append(f"{source}: overridable must be a list of setting names (ignored)")
    return set()


_warned: set[str] = set()


_loaded: dict[bool, tuple[tuple[Any, ...], Settings]] = {}
_loaded_lock = threading.Lock()


def load(*, with_key: bool = True) -> Settings:
    """Read every layer. Bad values are skipped and listed in ``problems``, never raised.

    ``with_key=False`` skips the OS keyring (which may be slow): for callers on a host's
    render path that need the job defaults, not the credentials. The layers are read again only
    when the environment's ``RENDERTALLY_*`` values, the user's file, the site config or the
    stored Key changed since the last load (the sender loads the settings for every job).
    """
    fingerprint = _fingerprint()
    with _loaded_lock:
        cached = _loaded.get(with_key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    current = _read_layers(with_key=with_key)
    with _loaded_lock:
        _loaded[with_key] = (fingerprint, current)
    return current


# Every variable load() reads: looked up by name (a scan of the whole environment per job cost
# more than the rest of the check).
_ENV_READ = ("RENDERTALLY_HOME", "RENDERTALLY_SITE_CONFIG", "RENDERTALLY_KEYRING")


def _fingerprint() -> tuple[Any, ...]:
    env = tuple(os.environ.get(name) for name in (*_ENV_READ, *(env_name(f) for f in FIELDS)))
    site = os.environ.get("RENDERTALLY_SITE_CONFIG", "").strip()
    user = user_file()  # its folder may come from platformdirs (XDG_DATA_HOME, HOME): keep the path
    return env, str(user), _stat(user), _stat(Path(site)) if site else None, keystore.generation()


def _stat(path: Path) -> tuple[int, ...] | None:
    # Our own writes replace the file (a new inode); an edit by hand changes its time or size.
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino


def _read_layers(*, with_key: bool) -> Settings:
    values: dict[str, Any] = {name: default for name, (_, default) in FIELDS.items()}
    sources = {name: "default" for name in FIELDS}
    fixed: set[str] = set()
    problems: list[str] = []

    site_path = os.environ.get("RENDERTALLY_SITE_CONFIG", "").strip()
    if site_path:
        site = _read_json(Path(site_path), "site config", problems)
        overridable = _names(site.get("overridable"), f"site config {site_path}", problems)
        applied = _apply(values, sources, site, f"site config {site_path}", problems)
        fixed.update(name for name in applied if name not in overridable)

    user_path = user_file()
    user = _read_json(user_path, "settings file", problems)
    for name in sorted(fixed & set(user)):
        problems.append(f"{name} in {user_path} is ignored: the site config fixes it")
    _apply(values, sources, {k: v for k, v in user.items() if k not in fixed}, f"user file {user_path}", problems)

    if with_key and "key" not in fixed and sources["key"] == "default" and user.get("key_store") == "keyring":
        key = keystore.get_key()
        if key:
            values["key"], sources["key"] = key, "OS keyring"
        else:
            problems.append("The Key is kept in the OS keyring, which could not be read")

    env = {name: os.environ[env_name(name)] for name in FIELDS if os.environ.get(env_name(name), "").strip()}
    for name in _apply(values, sources, env, "environment", problems):
        sources[name] = f"environment {env_name(name)}"
        fixed.add(name)

    for line in problems:
        if line not in _warned:  # once per process: the CLI and the hosts load settings often
            _warned.add(line)
            log.warning("%s", line)
    return Settings(**values, sources=sources, fixed=frozenset(fixed), problems=tuple(problems))


def save(changes: Mapping[str, Any]) -> Settings:
    """Validate ``changes`` and write them to the user's file (None or "" removes a value).

    Raises :class:`ValidationError` naming the first bad field, and :class:`ConfigurationError`
    when a field is fixed by the environment or the site config. Nothing is written on error.
    """
    current = load()
    cleaned: dict[str, str | None] = {}
    for name, raw in changes.items():
        if name not in FIELDS:
            raise ValidationError(name, f"is not a setting; known settings: {', '.join(FIELDS)}")
        if name in current.fixed:
            raise ConfigurationError(f"{name} is fixed by the {current.sources[name]}; change it there")
        cleaned[name] = FIELDS[name][0](raw)
        if name == "key" and cleaned[name] is not None and len(cleaned[name] or "") < MIN_KEY_LENGTH:
            raise ValidationError("key", f"is shorter than {MIN_KEY_LENGTH} characters; paste the whole Key "
                                  "from the render service's account page")

    path = user_file()
    problems: list[str] = []
    data = _read_json(path, "settings file", problems) if path.exists() else {}
    for name, value in cleaned.items():
        if name == "key":
            continue
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    if "key" in cleaned:
        if keystore.set_key(cleaned["key"]):
            data.pop("key", None)
            data["key_store"] = "keyring"
        else:
            data.pop("key_store", None)
            if cleaned["key"] is None:
                data.pop("key", None)
            else:
                data["key"] = cleaned["key"]
    write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return load()


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to ``path``, readable and writable by its owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_stale_temp_files(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigurationError(f"Could not write {path}: {exc.strerror or exc}") from exc


def _remove_stale_temp_files(path: Path, older_than: float = 60.0) -> None:
    # A save killed between writing its temp file and renaming it leaves the temp file (which
    # may hold the Key) behind. Younger ones may be another process's save in progress.
    now = time.time()
    for leftover in path.parent.glob(f".{path.name}.*"):
        try:
            if now - leftover.stat().st_mtime > older_than:
                leftover.unlink()
        except OSError:
            pass
