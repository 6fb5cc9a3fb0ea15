"""Settings: layers, sources, fixed values, the owner-only user file and the keyring."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from rendertally.core import keystore, settings
from rendertally.core.errors import ConfigurationError, ValidationError

from ..conftest import SECRET_KEY


@pytest.fixture
def site_config(tmp_path, monkeypatch):
    """Factory: write a studio site config and point RENDERTALLY_SITE_CONFIG at it."""

    def write(data) -> str:
        path = tmp_path / "site.json"
        path.write_text(json.dumps(data))
        monkeypatch.setenv("RENDERTALLY_SITE_CONFIG", str(path))
        return str(path)

    return write


def test_defaults_when_nothing_is_configured():
    """With no files and no environment, the defaults apply and say so."""
    current = settings.load()
    assert (current.url, current.format, current.job_type, current.id) == (
        settings.DEFAULT_URL, "json", "normal", None)
    assert set(current.sources.values()) == {"default"}


def test_layers_apply_lowest_first(site_config, monkeypatch):
    """defaults < site config < user file < environment, each value naming its source."""
    path = site_config({"url": "https://site.example", "email": "site@studio.com",
                        "mission_id": "S1", "overridable": ["email", "mission_id"]})
    settings.save({"email": "me@studio.com", "mission_id": "U1"})
    monkeypatch.setenv("RENDERTALLY_MISSION_ID", "E1")
    current = settings.load()
    assert current.url == "https://site.example"
    assert current.sources["url"] == f"site config {path}"
    assert current.email == "me@studio.com"
    assert current.sources["email"].startswith("user file")
    assert (current.mission_id, current.sources["mission_id"]) == ("E1", "environment RENDERTALLY_MISSION_ID")
    assert current.fixed == {"url", "mission_id"}


def test_fixed_values_cannot_be_saved_over(site_config, monkeypatch):
    """Saving a value fixed by the site config or environment says where to change it."""
    site_config({"url": "https://site.example"})
    with pytest.raises(ConfigurationError, match="site config"):
        settings.save({"url": "https://other.example"})
    monkeypatch.setenv("RENDERTALLY_ID", "42")
    with pytest.raises(ConfigurationError, match="RENDERTALLY_ID"):
        settings.save({"id": "43"})


def test_bad_values_in_files_are_skipped_and_listed(site_config, monkeypatch):
    """A bad value in the site config is listed as a problem; a bad URL blocks sending instead of
    falling back to the production URL."""
    site_config({"url": "http://studio.example", "format": "yaml"})
    monkeypatch.setenv("RENDERTALLY_ID", "42")
    monkeypatch.setenv("RENDERTALLY_KEY", "secret-key")
    current = settings.load()
    assert current.url is None
    assert current.format == "json"
    assert any("plain http" in p for p in current.problems)
    assert any("json or xml" in p for p in current.problems)
    with pytest.raises(ConfigurationError, match="plain http.*nothing is sent"):
        current.credentials()


def test_a_pasted_endpoint_url_is_kept_as_its_base(isolated):
    """Saving the full job-data endpoint URL stores the base URL, so the path is never doubled."""
    saved = settings.save({"url": "https://api.example.com/api/v1/render/jobdata/"})
    assert saved.url == "https://api.example.com"


def test_a_key_shorter_than_six_characters_is_refused_at_save(isolated):
    """A Key too short to be masked safely is refused with what to do, and nothing is saved."""
    with pytest.raises(ValidationError, match="shorter than 6 characters"):
        settings.save({"key": "abc"})
    assert settings.load().key is None


def test_a_syntax_error_in_the_site_config_names_the_line_and_column(site_config):
    """A site config with broken JSON is named with the line and column of the error."""
    path = Path(site_config({}))
    path.write_text('{\n  "url": "https://a.example",\n  "id" 42\n}\n')
    problems = settings.load().problems
    assert any(str(path) in p and "line 3, column 8" in p for p in problems), problems


def test_unreadable_user_file_is_a_problem_not_a_crash(isolated):
    """Invalid JSON in the user's file is reported and the other layers still apply."""
    isolated.mkdir(parents=True)
    (isolated / "settings.json").write_text("{not json")
    current = settings.load()
    assert current.id is None
    assert any("syntax error at line 1, column 2" in p for p in current.problems)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("email", "nope", "e-mail"),
    ("url", "ftp://x", "http(s)"),
    ("url", "http://example.com", "plain http"),
    ("format", "yaml", "json or xml"),
    ("job_type", "cheap", "one of"),
    ("proxy", "proxy:3128", "proxy URL"),
    ("ca_bundle", "/no/such/file.pem", "no file"),
    ("colour", "blue", "not a setting"),
])
def test_save_validates_and_writes_nothing_on_error(name, value, words):
    """An invalid value raises ValidationError naming the field; the file is not touched."""
    with pytest.raises(ValidationError, match=words):
        settings.save({name: value})
    assert not settings.user_file().exists()


def test_loopback_http_is_allowed():
    """http is accepted for the local sandbox on loopback addresses."""
    for url in ("http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"):
        assert settings.save({"url": url}).url == url


def test_user_file_is_written_atomically_and_owner_only():
    """The user file is JSON, mode 0600 in a 0700 folder, with no temp files left."""
    settings.save({"id": "1", "key": SECRET_KEY})
    path = settings.user_file()
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
    assert json.loads(path.read_text())["id"] == "1"
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


def test_empty_value_removes_a_setting():
    """Saving '' or None drops the user's value, so the lower layer applies again."""
    settings.save({"email": "a@b.co"})
    assert settings.save({"email": ""}).email is None


def test_credentials_missing_says_how_to_set_them():
    """Without an Id or Key, credentials() says which and how to set it."""
    with pytest.raises(ConfigurationError, match="rendertally settings set id"):
        settings.load().credentials()


def test_repr_and_display_never_show_the_key():
    """The Settings repr and display() mask the Key."""
    current = settings.save({"id": "1", "key": SECRET_KEY})
    assert SECRET_KEY not in repr(current)
    assert current.display("key") == "********"
    assert current.credentials().key == SECRET_KEY
    assert SECRET_KEY not in repr(current.credentials())


class MemoryKeyring:
    """A real keyring backend (keyring's own base class) that keeps passwords in memory."""

    def __new__(cls, hang: threading.Event | None = None):
        from keyring.backend import KeyringBackend

        class Backend(KeyringBackend):
            priority = 1

            def __init__(self) -> None:
                super().__init__()
                self.store: dict = {}

            def get_password(self, service, username):
                if hang is not None:
                    hang.wait(30)
                return self.store.get((service, username))

            def set_password(self, service, username, password):
                if hang is not None:
                    hang.wait(30)
                self.store[(service, username)] = password

            def delete_password(self, service, username):
                self.store.pop((service, username), None)

        return Backend()


@pytest.fixture
def keyring_backend(monkeypatch):
    """Turn the keyring on with an in-memory backend."""
    keyring = pytest.importorskip("keyring")
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("RENDERTALLY_KEYRING", "1")
    keystore.reset()
    yield backend
    keyring.set_keyring(previous)


def test_key_goes_to_the_keyring_when_one_works(keyring_backend):
    """With a working keyring the Key is stored there and not in the user file."""
    current = settings.save({"id": "1", "key": SECRET_KEY})
    assert keyring_backend.store[(keystore.SERVICE, keystore.ACCOUNT)] == SECRET_KEY
    assert SECRET_KEY not in settings.user_file().read_text()
    keystore.reset()
    current = settings.load()
    assert (current.key, current.sources["key"]) == (SECRET_KEY, "OS keyring")


def test_a_hanging_keyring_never_blocks_and_falls_back_to_the_file(monkeypatch):
    """A keyring that hangs is given up after a short timeout; the Key goes to the file."""
    keyring = pytest.importorskip("keyring")
    release = threading.Event()
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring(hang=release))
    monkeypatch.setenv("RENDERTALLY_KEYRING", "1")
    monkeypatch.setattr(keystore, "TIMEOUT", 0.3)
    keystore.reset()
    try:
        current = settings.save({"key": SECRET_KEY})
    finally:
        release.set()
        keyring.set_keyring(previous)
    assert current.key == SECRET_KEY
    assert json.loads(settings.user_file().read_text())["key"] == SECRET_KEY


def test_keyring_off_by_environment(keyring_backend, monkeypatch):
    """RENDERTALLY_KEYRING=0 keeps the Key out of the keyring."""
    monkeypatch.setenv("RENDERTALLY_KEYRING", "0")
    settings.save({"key": SECRET_KEY})
    assert keyring_backend.store == {}


def test_loading_without_the_key_does_not_touch_the_keyring(keyring_backend, monkeypatch):
    """load(with_key=False) (the render path's job defaults) never asks the keyring."""
    settings.save({"key": SECRET_KEY, "email": "a@b.co"})
    keystore.reset()
    asked = []
    monkeypatch.setattr(keystore, "get_key", lambda: asked.append(1))
    current = settings.load(with_key=False)
    assert (current.email, current.key, asked) == ("a@b.co", None, [])


def test_unchanged_settings_are_not_read_again(isolated, monkeypatch):
    """A second load with no file or environment change reads no file; each change is read at the next load."""
    settings.save({"email": "a@studio.com"})
    reads = []
    real = settings._read_json
    monkeypatch.setattr(settings, "_read_json", lambda *args: reads.append(args[0]) or real(*args))

    assert settings.load().email == "a@studio.com"
    assert settings.load().email == "a@studio.com"
    assert reads == []  # save() loaded them last: nothing changed since

    path = settings.user_file()
    text = path.read_text().replace("a@studio.com", "b@studio.com")  # a hand edit of the same size
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert settings.load().email == "b@studio.com"

    monkeypatch.setenv("RENDERTALLY_EMAIL", "node@farm.com")
    assert settings.load().email == "node@farm.com"
    monkeypatch.delenv("RENDERTALLY_EMAIL")
    assert settings.load().email == "b@studio.com"
    assert len(reads) == 3  # the edit, the variable set and the variable gone: one read each


def test_a_site_config_edit_is_seen_at_the_next_load(site_config):
    """Changing the site config file is picked up by the next load, without a restart."""
    site_config({"email": "first@studio.com"})
    assert settings.load().email == "first@studio.com"
    site_config({"email": "second-address@studio.com"})
    assert settings.load().email == "second-address@studio.com"
