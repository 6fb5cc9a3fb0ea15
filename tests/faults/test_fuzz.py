"""Hypothesis fuzzing of every job field, every ``rendertally report`` argument and every setting.

Whatever goes in, one of two things comes out: a clear error naming the field (ValidationError,
ConfigurationError, or argparse's "argument --x" for the command line), or a body that is
well-formed in both wire formats — JSON and XML parse, the sandbox's strict readers (written
independently of our encoder) accept it and read back exactly the values we meant, and the
service's own field checks pass. Never another exception.

The tests at the end pin down, example by example, what the fuzzing found (years before 1000,
datetimes at the edge of time, integers too large for a float or for str(), malformed URLs and
site configs); they were bugs, fixed in 16f4101.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rendertally.core import settings as settings_mod
from rendertally.core.cli import main
from rendertally.core.errors import ConfigurationError, ValidationError
from rendertally.core.job import RenderJob
from rendertally.core.outbox import Outbox
from rendertally.core.sandbox import check_fields, read_json, read_xml
from rendertally.core.wire import Credentials, encode, request_fields

from ..conftest import SECRET_KEY, TEST_ID

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
UTC = dt.timezone.utc
JOB_FIELDS = {f.name for f in dataclasses.fields(RenderJob)}

# -- strategies ----------------------------------------------------------------------------------
ANY_CHAR = st.characters(exclude_categories=())  # surrogates, controls and non-characters too
SMALL_INT = st.integers(-10**6, 10**6)
# too big for a float, or for str() (built lazily: even repr() of 10**5000 raises)
HUGE_INT = st.one_of(st.sampled_from([10**400, -(10**400)]), st.builds(lambda: 10**5000))
TEXTISH = st.one_of(
    st.text(max_size=20),
    st.text(ANY_CHAR, max_size=240),
    st.sampled_from(["", " ", "\t\n", "\x00", "\ufffe", "<x>&amp;", "]]>", "\r\n", "Cycles", "5.0.1", "é€😀"]),
    SMALL_INT, st.integers(), HUGE_INT, st.none(), st.booleans(), st.floats(), st.binary(max_size=8),
    st.lists(SMALL_INT, max_size=2),
)
CHOICE_TEXTISH = TEXTISH
OFFSETS = st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8)),
                           dt.timezone(dt.timedelta(hours=14)), None])
DATETIMES = st.one_of(
    st.datetimes(timezones=OFFSETS),  # all of datetime's range, its first and last day included
    st.datetimes(min_value=dt.datetime(1969, 12, 30), max_value=dt.datetime(2100, 1, 1), timezones=OFFSETS),
)
DATE_TEXT = st.one_of(
    DATETIMES.map(lambda d: f"{d.year:04d}-{d:%m-%d %H:%M:%S}"),
    st.from_regex(r"\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}\s*", fullmatch=True),
    st.text(max_size=25),
)
FRAMES = st.one_of(st.integers(), st.integers(-3, 10_000_003), TEXTISH)
HOURS = st.one_of(
    st.floats(), st.integers(-10, 2_000_000), st.integers(), HUGE_INT,
    st.decimals(), st.decimals().map(str),
    st.from_regex(r"\s*-?[0-9_]{0,9}(\.[0-9]{0,9})?([eE][-+]?[0-9]{1,3})?\s*", fullmatch=True),
    TEXTISH,
)
CHOICE = lambda *good: st.one_of(st.sampled_from(good), CHOICE_TEXTISH)  # noqa: E731
SOFTWARE = CHOICE("BLD", "c4d", "Max", "MAY", " bld ", "MAYA")
STATUS = CHOICE("done", "1", "ABORTED", "2", "Failed", "3", "4", "cancelled")
JOB_TYPE = CHOICE("economy", "1", "Normal", "2", "TEST", "3", "0")


# -- the one check every accepted job must pass --------------------------------------------------
def assert_well_formed(job: RenderJob, *, email: str | None = None, credentials: Credentials | None = None) -> None:
    credentials = credentials or Credentials(TEST_ID, SECRET_KEY)
    expected = request_fields(job, email)
    assert check_fields(expected) == [], expected  # values the service itself accepts
    for fmt, reader in (("json", read_json), ("xml", read_xml)):
        body, content_type = encode(job, credentials, fmt, email=email)
        if fmt == "json":
            json.loads(body)
        else:
            ET.fromstring(body)  # noqa: S314 - our own body
        auth, request = reader(body)
        assert auth == {"Id": credentials.id, "Key": credentials.key}, fmt
        assert request == expected, fmt
    # The outbox keeps the job as JSON and reads it back the same.
    assert RenderJob.from_dict(json.loads(json.dumps(job.to_dict(), sort_keys=True))) == job


def assert_names_a_field(exc: ValidationError, fields: set[str]) -> None:
    assert exc.field in fields, exc
    assert str(exc).startswith(f"{exc.field}: ") and exc.message


# -- RenderJob ------------------------------------------------------------------------------------
@FUZZ
@given(frames=FRAMES, render_hours=HOURS, software=SOFTWARE, software_version=TEXTISH, render_engine=TEXTISH,
       status=STATUS, job_type=JOB_TYPE, run_date=st.one_of(DATETIMES, DATE_TEXT, TEXTISH),
       mission_id=TEXTISH, email=st.one_of(st.emails(), TEXTISH))
@example(frames=0, render_hours="0.0000001", software="BLD", software_version="5", render_engine="Cycles",
         status="done", job_type="test", run_date="2026-01-01 00:00:00", mission_id=None, email=None)
@example(frames=10_000_000, render_hours=1_000_000, software="MAX", software_version=" 2026 ", render_engine="V_Ray_6",
         status="3", job_type="1", run_date=dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
         mission_id="\r<&>]]>\n", email="a@b.co")
def test_any_job_is_refused_by_name_or_well_formed(**values):
    """Any field values either raise a ValidationError naming the field or make a job that encodes well-formed."""
    try:
        job = RenderJob(**values)
    except ValidationError as exc:
        assert_names_a_field(exc, JOB_FIELDS)
        return
    assert_well_formed(job)


@FUZZ
@given(email=st.one_of(st.emails(), TEXTISH), identity=TEXTISH, key=TEXTISH)
def test_the_authentication_and_email_from_settings_are_carried_exactly(email, identity, key, make_job):
    """What settings accept for Id, Key and e-mail goes on the wire unchanged, in both formats."""
    try:
        cleaned = {name: settings_mod.FIELDS[name][0](value)
                   for name, value in (("email", email), ("id", identity), ("key", key))}
    except ValidationError as exc:
        assert_names_a_field(exc, {"email", "id", "key"})
        return
    if cleaned["id"] is None or cleaned["key"] is None:
        return  # not configured: the sender refuses to send (tested elsewhere)
    assert_well_formed(make_job(email=None), email=cleaned["email"],
                       credentials=Credentials(cleaned["id"], cleaned["key"]))


# -- the command line -----------------------------------------------------------------------------
ARG_TEXT = st.one_of(st.text(max_size=15), st.text(ANY_CHAR, max_size=60), SMALL_INT.map(str),
                     st.sampled_from(["", "-1", "--", "-x", "1e3", "١٢", "0x10", " 7 ", "NaN"]))


@FUZZ
@given(frames=st.one_of(st.integers(-5, 10**8).map(str), ARG_TEXT),
       hours=st.one_of(HOURS.filter(lambda v: isinstance(v, (str, float)) or isinstance(v, int) and abs(v) < 10**99)
                       .map(str), ARG_TEXT),
       software=st.one_of(st.sampled_from(["BLD", "c4d", "max", "May"]), ARG_TEXT),
       version=ARG_TEXT, engine=ARG_TEXT,
       status=st.one_of(st.none(), st.sampled_from(["done", "ABORTED", "failed"]), ARG_TEXT),
       job_type=st.one_of(st.none(), st.sampled_from(["economy", "Normal", "test"]), ARG_TEXT),
       mission=st.one_of(st.none(), ARG_TEXT),
       run_date=st.one_of(st.none(), DATE_TEXT))
def test_any_report_arguments_are_refused_clearly_or_queued_well_formed(
        frames, hours, software, version, engine, status, job_type, mission, run_date,
        credentials_env, capsys, isolated):
    """Any report arguments are refused naming the argument or field, or queued as a pending, well-formed job."""
    credentials_env("http://127.0.0.1:9")
    argv = ["report", "--frames", frames, "--render-hours", hours, "--software", software,
            "--software-version", version, "--engine", engine, "--wait", "0"]
    for flag, value in (("--status", status), ("--job-type", job_type), ("--mission-id", mission),
                        ("--run-date", run_date)):
        if value is not None:
            argv += [flag, value]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: a usage line and "argument --x: ..."
        code = exc.code
        assert code == 2
        assert "argument " in capsys.readouterr().err
        return
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and SECRET_KEY not in out + err
    if code == 2:
        assert re.search(r"^error: --[a-z-]+: ", err, re.M), err  # "error: --frames: ..." names the flag
        return
    assert code == 75, (code, err)  # queued, not sent (--wait 0)
    row_id = int(re.search(r"Queued as job ([0-9]+)", out).group(1))
    box = Outbox(isolated / "outbox.sqlite3")
    try:
        row = box.get(row_id)
    finally:
        box.close()
    assert row is not None and row.state == "pending"
    assert_well_formed(row.job)


# -- settings -----------------------------------------------------------------------------------
URLS = st.one_of(
    st.sampled_from(["https://api.example.com", "https://api.example.com/base/", "http://127.0.0.1:8080",
                     "http://localhost", "http://[::1]:9", "http://api.example.com", "ftp://x", "https://",
                     "https://u:p@x.com", "https://x.com/?q=1", "https://x.com/#f", "  https://x.com  "]),
    st.builds(lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
              st.sampled_from(["http", "https", "HTTPS", "file", ""]),
              st.sampled_from(["127.0.0.1", "localhost", "example.com", "10.0.0.1", "", "exa mple.com", "ü.example"]),
              st.sampled_from(["", ":0", ":443", ":8080"]), st.sampled_from(["", "/", "/api", "/a b"])),
    st.sampled_from(["http://[", "https://[::1", "https://[not-an-address]/", "http://]", "http://127.0.0.1:99999999",
                     "https://api.example.com:x", "http://127.0.0.1:-1"]),
    TEXTISH,
)
# What json.dumps can write (it cannot print an int over 4300 digits: a file holding one is
# ignored as a whole, with a problem listed - see test_a_settings_file_with_an_enormous_number).
JSONISH = TEXTISH.filter(lambda v: not isinstance(v, bytes) and not (isinstance(v, int) and abs(v) > 10**4000))
SETTING_VALUES = {
    "id": TEXTISH, "key": TEXTISH, "email": st.one_of(st.emails(), TEXTISH), "mission_id": TEXTISH,
    "job_type": JOB_TYPE, "url": URLS, "format": CHOICE("json", "XML", " xml ", "yaml"),
    "proxy": st.one_of(st.sampled_from(["http://proxy:3128", "socks5h://p:1080", "proxy:3128", "HTTPS://p"]), TEXTISH),
    "ca_bundle": st.one_of(st.sampled_from(["<real>", "/nonexistent/ca.pem", "/", "~"]), TEXTISH),
}


@FUZZ
@given(name=st.sampled_from(sorted(SETTING_VALUES)), data=st.data())
def test_any_setting_is_refused_by_name_or_saved_and_read_back(name, data, tmp_path, make_job):
    """Any setting value is refused naming the setting, or saved without problems and read back the same."""
    value = data.draw(SETTING_VALUES[name], label=name)
    if value == "<real>":
        bundle = tmp_path / "ca.pem"
        bundle.write_text("-----BEGIN CERTIFICATE-----\n")
        value = str(bundle)
    try:
        saved = settings_mod.save({name: value})
    except ValidationError as exc:
        assert exc.field == name, exc
        return
    except ConfigurationError as exc:  # e.g. fixed by the environment: says where to change it
        assert name in str(exc)
        return
    assert saved.problems == ()
    expected = settings_mod.FIELDS[name][0](value)
    assert getattr(saved, name) == (expected if expected is not None else settings_mod.FIELDS[name][1])
    assert settings_mod.load() == saved  # the file reads back as written
    if saved.id and saved.key:
        assert_well_formed(make_job(email=None), email=saved.email, credentials=saved.credentials())


@FUZZ
@given(layer=st.dictionaries(st.sampled_from([*SETTING_VALUES, "overridable", "unknown"]),
                             st.one_of(JSONISH, st.lists(JSONISH, max_size=3),
                                       st.dictionaries(st.text(max_size=3), JSONISH, max_size=2)),
                             max_size=6),
       where=st.sampled_from(["user", "site"]))
def test_any_settings_file_loads_listing_what_it_ignored(layer, where, tmp_path, monkeypatch):
    """A hand-edited user file or a studio's site config never makes load() raise."""
    text = json.dumps(layer)
    if where == "user":
        path = settings_mod.user_file()
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        path = tmp_path / "site.json"
        monkeypatch.setenv("RENDERTALLY_SITE_CONFIG", str(path))
    path.write_text(text)
    try:
        current = settings_mod.load()
    finally:
        path.unlink()
    assert all(isinstance(problem, str) for problem in current.problems)
    for name in settings_mod.FIELDS:
        value = getattr(current, name)
        assert value is None or isinstance(value, str)


# -- what the fuzzing found (bugs, fixed in 16f4101), pinned example by example ----------------------
def test_hours_too_large_for_a_float_are_a_validation_error(make_job):
    """Render hours of 10**400, too large for a float, raise a ValidationError naming render_hours."""
    with pytest.raises(ValidationError, match="render_hours"):
        make_job(render_hours=10**400)


@pytest.mark.parametrize("when", [dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
                                  dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))],
                         ids=["year-9999-at-utc-5", "year-1-at-utc+5"])
def test_run_dates_at_the_edge_of_time_are_a_validation_error(when, make_job):
    """Run dates of year 9999 at UTC-5 and year 1 at UTC+5 raise a ValidationError naming run_date."""
    with pytest.raises(ValidationError, match="run_date"):
        make_job(run_date=when)


def test_a_run_date_before_1000_is_refused_or_written_with_four_digits(make_job):
    """A run date in year 999 is either refused as run_date or makes a job that encodes well-formed."""
    try:
        job = make_job(run_date=dt.datetime(999, 12, 31, 23, 0, tzinfo=UTC))
    except ValidationError as exc:
        assert exc.field == "run_date"
        return
    assert_well_formed(job)


def test_an_enormous_integer_as_text_is_a_validation_error(make_job):
    """A 5000-digit integer as the software version raises a ValidationError naming software_version."""
    with pytest.raises(ValidationError, match="software_version"):
        make_job(software_version=10**5000)


BAD_URLS = ["http://[", "https://[::1", "https://[not-an-address]/", "http://]"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_malformed_bracketed_url_is_a_validation_error_when_saved(url):
    """Saving a URL with malformed brackets raises a ValidationError naming url."""
    with pytest.raises(ValidationError, match="url"):
        settings_mod.save({"url": url})


@pytest.mark.parametrize("url", BAD_URLS[:2])
def test_a_malformed_bracketed_url_in_the_environment_is_a_listed_problem(url, monkeypatch):
    """A RENDERTALLY_URL with malformed brackets makes load() list a problem that mentions url."""
    monkeypatch.setenv("RENDERTALLY_URL", url)
    current = settings_mod.load()
    assert any("url" in problem for problem in current.problems)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999999", "https://api.example.com:x", "http://127.0.0.1:-1"])
def test_an_impossible_port_is_a_validation_error(url):
    """Saving a URL whose port is out of range or not a number raises a ValidationError naming url."""
    with pytest.raises(ValidationError, match="url"):
        settings_mod.save({"url": url})


@pytest.mark.parametrize("overridable", [1, 1.5, True, [["email"]], [{"a": 1}]], ids=repr)
def test_a_malformed_overridable_list_is_a_listed_problem(overridable, tmp_path, monkeypatch):
    """A site config's malformed overridable list is listed as a problem while its url still applies."""
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"url": "https://site.example", "overridable": overridable}))
    monkeypatch.setenv("RENDERTALLY_SITE_CONFIG", str(site))
    current = settings_mod.load()
    assert current.url == "https://site.example"
    assert any("overridable" in problem for problem in current.problems)


def test_a_bad_key_in_a_file_is_named_in_the_problem_without_its_value():
    """A bad Key in the user file gives one load problem that names the key and never quotes its value."""
    path = settings_mod.user_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": True, "id": "1"}))
    (problem,) = settings_mod.load().problems
    assert "key" in problem.replace(str(path), "<user file>").lower(), problem
    path.write_text(json.dumps({"key": "S3cr3tK3y" * 30, "id": "1"}))  # too long: refused
    (problem,) = settings_mod.load().problems
    assert "key" in problem.replace(str(path), "<user file>").lower(), problem
    assert "S3cr3tK3y" not in problem


def test_a_settings_file_with_an_enormous_number_is_ignored_with_a_problem():
    """A user file with a 5000-digit number is ignored: no id loaded, a could-not-be-read problem listed."""
    path = settings_mod.user_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"id": ' + "9" * 5000 + ', "email": "a@b.co"}')
    current = settings_mod.load()
    assert current.id is None and any("could not be read" in problem for problem in current.problems)


@pytest.mark.parametrize("field", ["frames", "software", "status", "job_type", "run_date"])
def test_an_enormous_integer_in_any_field_is_a_validation_error(field, make_job):
    """A 5000-digit integer in any of five job fields raises a ValidationError naming that field."""
    with pytest.raises(ValidationError, match=field):
        make_job(**{field: 10**5000})


def test_an_enormous_integer_job_type_setting_is_a_validation_error():
    """Saving a 5000-digit integer as the job_type setting raises a ValidationError naming job_type."""
    with pytest.raises(ValidationError, match="job_type"):
        settings_mod.save({"job_type": 10**5000})
