"""A shared Blender extension repository: a folder with our zip and the ``index.json`` Blender reads.

Artists add the folder once as a remote repository (``file:///…/index.json``: Blender manual,
"Creating a Static Extensions Repository") and Blender then installs RenderTally from it and
offers each newer version we put there as an update.

Blender's own ``blender --command extension server-generate --repo-dir DIR`` writes the same
listing, but needs a Blender (or the bpy module) on the machine that deploys; this writes our
entry with the stdlib alone, from the zip's manifest, exactly as server-generate would (the tests
compare the two). Other extensions' entries in an existing ``index.json`` are kept as they are:
we add, replace and remove only the entry with our id.

Listing format (v1, https://developer.blender.org/docs/features/extensions/api_listing/): the
manifest's fields without ``wheels``, plus ``python_versions`` from the wheels' tags and
``archive_url`` (relative), ``archive_size``, ``archive_hash`` (``sha256:<hex>``).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.request import pathname2url

from rendertally.core.errors import ConfigurationError

from .artifacts import manifest

INDEX = "index.json"
EXTENSION_ID = "rendertally"


def entry(zip_path: Path) -> dict:
    """The listing entry for ``zip_path`` as it lies (same name, same bytes) in the repository folder."""
    values = manifest(zip_path)
    wheels = values.pop("wheels", [])
    versions = sorted({v for wheel in wheels for v in _python_versions(Path(wheel).name)},
                      key=lambda v: tuple(int(p) for p in v.split(".")))
    if versions:
        values["python_versions"] = versions
    data = Path(zip_path).read_bytes()
    values["archive_url"] = "./" + pathname2url(Path(zip_path).name)
    values["archive_size"] = len(data)
    values["archive_hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return values


def read_index(repo: Path) -> dict | None:
    path = Path(repo) / INDEX
    try:
        listing = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{path} cannot be read as a Blender extension listing ({exc}); "
                                 "fix or move it, or choose another --dest") from exc
    if not isinstance(listing, dict) or listing.get("version") != "v1" or not isinstance(listing.get("data"), list):
        raise ConfigurationError(f"{path} is not a Blender extension listing (version v1); choose another --dest")
    return listing


def put(repo: Path, zip_path: Path, *, dry_run: bool = False) -> bool:
    """Make ``index.json`` list ``zip_path`` (copied into ``repo``) as our one entry; True if it changed."""
    listing = read_index(repo) or {"version": "v1", "blocklist": [], "data": []}
    ours = entry(zip_path)
    others = [item for item in listing["data"] if not _is_ours(item)]
    if [item for item in listing["data"] if _is_ours(item)] == [ours]:
        return False
    if not dry_run:
        _write(repo, {**listing, "data": [*others, ours]})
    return True


def remove(repo: Path, *, delete_if_empty: bool) -> bool:
    """Take our entry out of ``index.json`` (and the file itself when we created it and it is empty)."""
    listing = read_index(repo)
    if listing is None:
        return False
    others = [item for item in listing["data"] if not _is_ours(item)]
    if len(others) == len(listing["data"]):
        return False
    if not others and delete_if_empty and not listing.get("blocklist"):
        (Path(repo) / INDEX).unlink()
    else:
        _write(repo, {**listing, "data": others})
    return True


def repository_url(repo: Path) -> str:
    """The URL an artist pastes into Blender (Add Remote Repository)."""
    return Path(os.path.abspath(repo), INDEX).as_uri()


def _is_ours(item: object) -> bool:
    return isinstance(item, dict) and item.get("id") == EXTENSION_ID


def _python_versions(wheel: str) -> list[str]:
    # name-version(-build)?-python-abi-platform.whl: "py3" → "3", "cp311" → "3.11"
    parts = wheel[:-4].split("-") if wheel.endswith(".whl") else []
    if len(parts) < 5:
        return []
    found = []
    for tag in parts[-3].split("."):
        digits = tag[2:]
        if tag[:2] in ("py", "cp") and digits.isdigit():
            found.append(digits[0] + ("." + digits[1:] if len(digits) > 1 else ""))
    return found


def _write(repo: Path, listing: dict) -> None:
    path = Path(repo) / INDEX
    temporary = path.with_name(f".{INDEX}.rendertally-tmp")
    temporary.write_text(json.dumps(listing, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
