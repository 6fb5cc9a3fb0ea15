"""pytest plugin: the whole test run is scanned for the Key.

Enable it for the whole suite with one line in ``tests/conftest.py``::

    pytest_plugins = ["tests.faults.keyscan"]

(or for one run: ``pytest -p tests.faults.keyscan``). For every test it checks

* every log record emitted while the test runs (message, arguments, formatted traceback) - and
  every call below its logger's level too (a ``log.debug`` that ``--debug`` would print), which
  is scanned without being emitted, so no test sees more log output than before,
* everything pytest captured from the test (stdout, stderr - file descriptors too, so child
  processes writing to an inherited stderr count - and the captured log), and what a test read
  back itself with ``capsys``/``capfd.readouterr()``,
* every file written under the test's ``tmp_path`` and ``RENDERTALLY_HOME`` (scanned after the test
  body and again after teardown, so files on a tmpfs unmounted at teardown are seen too),

for the Key (``SECRET_KEY`` of tests/conftest.py, or the ``os.pathsep``-separated list in the
environment variable ``KEYSCAN_SECRETS``). The one exception is a file named ``settings.json``
readable by its owner only: the user's settings file, where the Key lives when no keyring works.
A test that writes the Key into a file on purpose (a site config, a fixture) says so with
``@pytest.mark.keyscan_allow("glob relative to tmp_path", reason="...")``.

Output a test captures from a child process itself (``subprocess.run(capture_output=True)``) is
not seen here: the test has to check it (tests/faults/harness.py ``cli()`` does, for every run).

A leak turns the test's teardown into an error that names what leaked where (never the Key), so
the run fails and says which test leaked.
"""
from __future__ import annotations

import fnmatch
import logging
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

MAX_FILE = 256 * 1024 * 1024
OWNER_ONLY_FILES = {"settings.json"}
_FINDINGS = pytest.StashKey[list]()
_PLACES = pytest.StashKey[set]()
_SCANNER = pytest.StashKey["Scanner"]()


def secrets() -> list[str]:
    configured = os.environ.get("KEYSCAN_SECRETS", "")
    if configured:
        return [part for part in configured.split(os.pathsep) if part]
    from ..conftest import SECRET_KEY

    return [SECRET_KEY]


class Scanner(logging.Handler):
    """Holds the secrets, receives every log record, and scans text and folders."""

    def __init__(self, values: Iterable[str]) -> None:
        super().__init__(level=logging.NOTSET)
        self.values = [v for v in values if v]
        self.encoded = sorted({form for v in self.values for form in _forms(v)}, key=len)
        self.item: pytest.Item | None = None
        self.files = self.records = self.shadows = self.tests = self.leaks = 0
        self._seen: dict[str, tuple[float, int]] = {}

    # -- what is looked at --
    def contains(self, text: str) -> bool:
        return any(value in text for value in self.values)

    def contains_bytes(self, data: bytes) -> bool:
        return any(form in data for form in self.encoded)

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is still scanned as raw parts
            message = str(record.msg)
        parts = [message, repr(record.args)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            parts.append(record.exc_text)
        if any(self.contains(part) for part in parts) and self.item is not None:
            self.item.stash[_FINDINGS].append(f"a log record of {record.name!r} at {record.levelname}")

    def shadow(self, logger: str, level: int, msg: object, args: tuple, exc_info: object) -> None:
        """A logging call below its logger's level: scanned as if it had been emitted, then dropped."""
        self.shadows += 1
        try:
            text = str(msg) % args if args else str(msg)
        except Exception:  # noqa: BLE001 - a bad format string is scanned raw
            text = f"{msg} {args!r}"
        parts = [text, repr(args)]
        if exc_info:
            info = sys.exc_info() if exc_info is True else exc_info
            if isinstance(info, BaseException):
                info = (type(info), info, info.__traceback__)
            if isinstance(info, tuple) and info[0] is not None:
                parts.append(logging.Formatter().formatException(info))
        if any(self.contains(part) for part in parts) and self.item is not None:
            self.item.stash[_FINDINGS].append(
                f"a {logging.getLevelName(level)} log call of {logger!r} (below its level: shown with --debug)")

    def scan_folder(self, root: Path, allowed: list[str]) -> Iterator[str]:
        for folder, dirs, names in os.walk(root, onerror=lambda error: None):
            for name in names + dirs:
                if self.contains(name):
                    yield f"the name of {Path(folder, name)}"
            for name in names:
                path = Path(folder, name)
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
                    continue  # not a regular file (a FIFO would block), or absurdly large
                stamp = (info.st_mtime, info.st_size)
                if self._seen.get(str(path)) == stamp:
                    continue
                self._seen[str(path)] = stamp
                self.files += 1
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if not self.contains_bytes(data):
                    continue
                if name in OWNER_ONLY_FILES and info.st_mode & 0o077 == 0:
                    continue  # the user's owner-only settings file: where the Key is kept
                relative = _relative(path, root)
                if any(fnmatch.fnmatch(relative, pattern) for pattern in allowed):
                    continue
                what = "a file readable by others" if name in OWNER_ONLY_FILES else "the file"
                yield f"{what} {path}"


def _forms(value: str) -> set[bytes]:
    import json
    from xml.sax.saxutils import escape

    texts = {value, json.dumps(value)[1:-1], escape(value)}
    forms = {t.encode("utf-8") for t in texts}
    forms.add(value.encode("utf-16-le"))
    return forms


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _places(item: pytest.Item) -> None:
    places = item.stash[_PLACES]
    funcargs = getattr(item, "funcargs", {}) or {}
    tmp = funcargs.get("tmp_path")
    if isinstance(tmp, Path):
        places.add(tmp)
    home = os.environ.get("RENDERTALLY_HOME", "").strip()
    if home:
        places.add(Path(home))


def _scan_places(item: pytest.Item, scanner: Scanner) -> None:
    allowed = [pattern for mark in item.iter_markers("keyscan_allow") for pattern in mark.args]
    roots = sorted(item.stash[_PLACES], key=lambda p: len(p.parts))
    done: list[Path] = []
    for root in roots:
        if any(root == d or d in root.parents for d in done) or not root.is_dir():
            continue
        done.append(root)
        item.stash[_FINDINGS].extend(scanner.scan_folder(root, allowed))


_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR,
           "exception": logging.ERROR, "critical": logging.CRITICAL}


def _watch_disabled_calls(scanner: Scanner) -> dict[str, object]:
    """Wrap Logger's methods so a call below the logger's level is scanned (never emitted)."""
    originals: dict[str, object] = {}
    for name, level in _LEVELS.items():
        original = getattr(logging.Logger, name)
        originals[name] = original

        def method(self, msg, *args, _original=original, _level=level, _name=name, **kwargs):
            if not self.isEnabledFor(_level):
                scanner.shadow(self.name, _level, msg, args, kwargs.get("exc_info", _name == "exception"))
            kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + 1  # records still name the real caller
            return _original(self, msg, *args, **kwargs)

        setattr(logging.Logger, name, method)
    original_log = logging.Logger.log
    originals["log"] = original_log

    def log(self, level, msg, *args, **kwargs):
        if isinstance(level, int) and not self.isEnabledFor(level):
            scanner.shadow(self.name, level, msg, args, kwargs.get("exc_info"))
        kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + 1
        return original_log(self, level, msg, *args, **kwargs)

    logging.Logger.log = log
    return originals


def _watch_readouterr(scanner: Scanner) -> object:
    """Scan what a test reads back with capsys/capfd (it never reaches the report's sections)."""
    from _pytest.capture import CaptureFixture

    original = CaptureFixture.readouterr

    def readouterr(self):  # type: ignore[no-untyped-def]
        result = original(self)
        for stream, text in (("stdout", result.out), ("stderr", result.err)):
            found = scanner.contains_bytes(text) if isinstance(text, bytes) else scanner.contains(text)
            if found and scanner.item is not None:
                scanner.item.stash[_FINDINGS].append(f"the {stream} the test read with readouterr()")
        return result

    CaptureFixture.readouterr = readouterr
    return original


# -- hooks ---------------------------------------------------------------------------------------
_ORIGINALS = pytest.StashKey[dict]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "keyscan_allow(*globs, reason): files (globs relative to tmp_path) "
                                       "this test writes the Key into on purpose")
    scanner = Scanner(secrets())
    config.stash[_SCANNER] = scanner
    logging.getLogger().addHandler(scanner)
    config.stash[_ORIGINALS] = _watch_disabled_calls(scanner)
    config.stash[_ORIGINALS]["readouterr"] = _watch_readouterr(scanner)


def pytest_unconfigure(config: pytest.Config) -> None:
    scanner = config.stash.get(_SCANNER, None)
    if scanner is not None:
        logging.getLogger().removeHandler(scanner)
    originals = dict(config.stash.get(_ORIGINALS, {}))
    readouterr = originals.pop("readouterr", None)
    if readouterr is not None:
        from _pytest.capture import CaptureFixture

        CaptureFixture.readouterr = readouterr
    for name, original in originals.items():
        setattr(logging.Logger, name, original)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    scanner = item.config.stash[_SCANNER]
    item.stash[_FINDINGS] = []
    item.stash[_PLACES] = set()
    scanner.item = item
    scanner.tests += 1
    try:
        yield
    finally:
        scanner.item = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    _places(item)
    yield
    _places(item)
    _scan_places(item, item.config.stash[_SCANNER])  # before teardown: a tmpfs may be unmounted there


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if call.when == "setup":
        _places(item)
    if call.when != "teardown":
        return
    report = outcome.get_result()
    scanner = item.config.stash[_SCANNER]
    _scan_places(item, scanner)
    findings = item.stash[_FINDINGS]
    for section, content in report.sections:  # every phase's captured stdout, stderr and log
        if scanner.contains(content):
            findings.append(f"the output pytest captured ({section})")
    if findings:
        scanner.leaks += 1
        unique = list(dict.fromkeys(findings))
        report.outcome = "failed"
        report.longrepr = "keyscan: the Key leaked into:\n  " + "\n  ".join(unique)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    scanner = config.stash.get(_SCANNER, None)
    if scanner is not None:
        terminalreporter.write_line(
            f"keyscan: {scanner.tests} tests, {scanner.records} log records (+{scanner.shadows} log calls below "
            f"their level), {scanner.files} files scanned for the Key; {scanner.leaks} leaked")
