"""The job model: validation, cleaning and the plain-dict form."""
from __future__ import annotations

import datetime as dt

import pytest

from rendertally.core.errors import ValidationError
from rendertally.core.job import JobStatus, JobType, RenderJob, Software, format_hours


def test_valid_job_normalises_enums_and_date(make_job):
    """Names and wire values are both accepted and become enum members; the date is UTC."""
    job = make_job(software="bld", status="aborted", job_type="3",
                   run_date=dt.datetime(2025, 1, 1, 12, 0, 0, 500, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert job.software is Software.BLD
    assert job.status is JobStatus.ABORTED
    assert job.job_type is JobType.TEST
    assert job.run_date == dt.datetime(2025, 1, 1, 10, 0, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("frames", -1, "between 0"),
    ("frames", 1.5, "whole number"),
    ("frames", True, "whole number"),
    ("render_hours", float("nan"), "between 0"),
    ("render_hours", float("inf"), "between 0"),
    ("render_hours", -0.1, "between 0"),
    ("render_hours", "1,5", "number of hours"),
    ("software", "BLENDR", "one of"),
    ("status", "finished", "one of"),
    ("render_engine", "   ", "required"),
    ("render_engine", "\x00\x01", "no printable"),
    ("software_version", "x" * 201, "at most 200"),
    ("email", "not-an-address", "e-mail"),
    ("run_date", "2025-12-04T06:57:36", "YYYY-MM-DD HH:MM:SS"),
    ("run_date", dt.datetime(2025, 1, 1), "time zone"),
])
def test_invalid_field_raises_one_error_naming_it(make_job, field, value, words):
    """Every invalid value raises ValidationError naming the field and saying what is expected."""
    with pytest.raises(ValidationError) as caught:
        make_job(**{field: value})
    assert caught.value.field == field
    assert words in str(caught.value)


def test_text_is_cleaned_of_characters_xml_cannot_carry(make_job):
    """Control characters and lone surrogates are removed, tabs and text kept."""
    job = make_job(render_engine="Cy\x00cl\x1bes\ud800", software_version=" 5.0\t(beta) ")
    assert job.render_engine == "Cycles"
    assert job.software_version == "5.0\t(beta)"


def test_round_trip_through_dict(make_job):
    """to_dict/from_dict give back an equal job."""
    job = make_job(status=JobStatus.FAILED, mission_id=None)
    assert RenderJob.from_dict(job.to_dict()) == job


def test_from_dict_rejects_unknown_fields(make_job):
    """A stored record with a field we do not know is an error, not silently dropped."""
    data = make_job().to_dict() | {"key": "x"}
    with pytest.raises(ValidationError, match="key"):
        RenderJob.from_dict(data)


@pytest.mark.parametrize(("hours", "text"), [
    (0, "0"), (3456, "3456"), (0.5, "0.5"), (1 / 3, "0.333333"), (1234567.25, "1234567.25"), (1e-9, "0"),
])
def test_hours_format_has_a_point_and_no_grouping(hours, text):
    """RenderHours is written with '.', no thousands separator and no exponent."""
    assert format_hours(hours) == text
