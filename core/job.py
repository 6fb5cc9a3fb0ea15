"""The job record: what was rendered, as a frozen, validated value.

A :class:`RenderJob` holds host facts only (frames, hours, engine, ...) plus the account's e-mail
and mission id as they were when the render ran. The Id and Key are added at send time and are
never part of a job, so a job can be written to disk as it is.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from .errors import ValidationError

UTC = dt.timezone.utc
RUN_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_TEXT = 200
MISSION_ID_LIMIT = 100  # one limit for the job, the settings and every host's per-scene override
MAX_EMAIL = 254
MAX_FRAMES = 10_000_000
# A render of more than ~114 years is a bug upstream, not a render.
MAX_HOURS = 1_000_000
MIN_YEAR, MAX_YEAR = 1970, 9998

# Characters XML 1.0 cannot carry (C0 controls but tab/newline/return, surrogates, U+FFFE/F).
# ASCII text (nearly all of it) only needs the small class; the full one takes ~7 ms to compile,
# so it is compiled the first time a non-ASCII value is cleaned, not at every host's start-up.
_ASCII_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_INVALID = "[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Choice(str, enum.Enum):
    @classmethod
    def parse(cls, value: str | _Choice, field: str) -> Any:
        """Accept a member, its wire value ("1") or its name ("done", case-insensitive)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, int) and not -100 < value < 100:
            raise ValidationError(field, f"{_short(value)} is not one of: {cls.names()}")
        text = str(value).strip()
        for member in cls:
            if text == member.value or text.upper() == member.name:
                return member
        raise ValidationError(field, f"{_short(value)} is not one of: {cls.names()}")

    @classmethod
    def names(cls) -> str:
        return ", ".join(m.name.lower() for m in cls)


class JobType(_Choice):
    ECONOMY = "1"
    NORMAL = "2"
    TEST = "3"


class JobStatus(_Choice):
    DONE = "1"
    ABORTED = "2"
    FAILED = "3"


class Software(_Choice):
    BLD = "BLD"  # Blender
    C4D = "C4D"  # Cinema 4D
    MAX = "MAX"  # 3ds Max
    MAY = "MAY"  # Maya

    @classmethod
    def parse(cls, value: str | _Choice, field: str) -> Any:
        """The API's code, or the host's plain name (``blender``, ``maya``, ``max``, ``c4d``)."""
        alias = SOFTWARE_ALIASES.get(str(value).strip().lower()) if isinstance(value, str) else None
        return super().parse(alias or value, field)


# Names people type for each host, beside the API's three-letter codes.
SOFTWARE_ALIASES = {"blender": "BLD", "maya": "MAY", "max": "MAX", "3dsmax": "MAX", "3ds max": "MAX",
                    "c4d": "C4D", "cinema4d": "C4D", "cinema 4d": "C4D"}


def clean_text(value: Any, field: str, *, limit: int = MAX_TEXT, required: bool = True) -> str | None:
    """Return ``value`` as a trimmed string XML can carry, or raise naming ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, "is required and was empty")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValidationError(field, f"must be text, not {type(value).__name__}")
    if isinstance(value, int) and not -(10**MAX_TEXT) < value < 10**MAX_TEXT:
        raise ValidationError(field, f"is a number too long to be a {field}")
    text = _xml_safe(str(value)).strip()
    if not text:
        if required:
            raise ValidationError(field, "is required and had no printable characters")
        return None
    if len(text) > limit:
        raise ValidationError(field, f"is {len(text)} characters long; at most {limit} are allowed")
    return text


def _xml_safe(text: str) -> str:
    return _ASCII_INVALID.sub("", text) if text.isascii() else re.sub(_XML_INVALID, "", text)


def clean_email(value: Any, field: str = "email") -> str | None:
    """An optional e-mail address, checked for the obvious shape only."""
    text = clean_text(value, field, limit=MAX_EMAIL, required=False)
    if text is not None and not _EMAIL.match(text):
        raise ValidationError(field, f"{text!r} is not an e-mail address like name@example.com")
    return text


def _frames(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("frames", f"must be a whole number, not {_short(value)}")
    if not 0 <= value <= MAX_FRAMES:
        raise ValidationError("frames", f"must be between 0 and {MAX_FRAMES}, not {_short(value)}")
    return value


def _hours(value: Any) -> float:
    if isinstance(value, bool):
        raise ValidationError("render_hours", "must be a number of hours, not a boolean")
    try:
        hours = float(Decimal(str(value).strip()) if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        raise ValidationError("render_hours", f"must be a number of hours, not {_short(value)}") from None
    if not math.isfinite(hours) or not 0 <= hours <= MAX_HOURS:
        raise ValidationError("render_hours", f"must be between 0 and {MAX_HOURS} hours, not {_short(value)}")
    return hours


def _run_date(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.strptime(value.strip(), RUN_DATE_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise ValidationError("run_date", f"{_short(value)} is not 'YYYY-MM-DD HH:MM:SS' (UTC)") from None
    if not isinstance(value, dt.datetime):
        raise ValidationError("run_date", f"must be a date and time, not {_short(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("run_date", "must carry a time zone (use UTC)")
    try:
        utc = value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        utc = None
    # The wire wants four-digit years; a clock reset to 1970 is still a render worth reporting.
    if utc is None or not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise ValidationError("run_date", f"must be between {MIN_YEAR} and {MAX_YEAR}, not {value}")
    return utc


def field_errors(**values: Any) -> list[ValidationError]:
    """Every invalid field among ``values`` (RenderJob's names), not just the first one."""
    checks: dict[str, Callable[[Any], Any]] = {
        "frames": _frames, "render_hours": _hours,
        "software": lambda v: Software.parse(v, "software"),
        "software_version": lambda v: clean_text(v, "software_version"),
        "render_engine": lambda v: clean_text(v, "render_engine"),
        "status": lambda v: JobStatus.parse(v, "status"), "job_type": lambda v: JobType.parse(v, "job_type"),
        "run_date": _run_date,
        "mission_id": lambda v: clean_text(v, "mission_id", limit=MISSION_ID_LIMIT, required=False),
        "email": clean_email,
    }  # fmt: skip
    errors = []
    for name, value in values.items():
        try:
            checks[name](value)
        except ValidationError as exc:
            errors.append(exc)
    return errors


def format_run_date(when: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` with a zero-padded year (strftime's %Y is not, on every platform)."""
    return f"{when.year:04d}-{when:%m-%d %H:%M:%S}"


def _short(value: Any, limit: int = 40) -> str:
    """``repr(value)`` cut short: an error message must stay readable whatever it was given."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (Python's 4300-digit limit)
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_hours(hours: float) -> str:
    """Hours with a decimal point and no grouping, whatever the locale: 0.0125, 3, 12.5."""
    text = f"{hours:.6f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclasses.dataclass(frozen=True)
class RenderJob:
    """One finished (or aborted, or failed) render, validated on construction."""

    frames: int
    render_hours: float
    software: Software
    software_version: str
    render_engine: str
    status: JobStatus = JobStatus.DONE
    job_type: JobType = JobType.NORMAL
    run_date: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(UTC))
    mission_id: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        fix = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        fix("frames", _frames(self.frames))
        fix("render_hours", _hours(self.render_hours))
        fix("software", Software.parse(self.software, "software"))
        fix("software_version", clean_text(self.software_version, "software_version"))
        fix("render_engine", clean_text(self.render_engine, "render_engine"))
        fix("status", JobStatus.parse(self.status, "status"))
        fix("job_type", JobType.parse(self.job_type, "job_type"))
        fix("run_date", _run_date(self.run_date))
        fix("mission_id", clean_text(self.mission_id, "mission_id", limit=MISSION_ID_LIMIT, required=False))
        fix("email", clean_email(self.email))

    def replace(self, **changes: Any) -> RenderJob:
        """A copy with ``changes`` applied and validated."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, as stored in the outbox."""
        return {
            "frames": self.frames,
            "render_hours": self.render_hours,
            "software": self.software.value,
            "software_version": self.software_version,
            "render_engine": self.render_engine,
            "status": self.status.name.lower(),
            "job_type": self.job_type.name.lower(),
            "run_date": format_run_date(self.run_date),
            "mission_id": self.mission_id,
            "email": self.email,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RenderJob:
        """The inverse of :meth:`to_dict`; unknown keys are an error."""
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - fields
        if unknown:
            raise ValidationError(sorted(unknown)[0], "is not a job field")
        return cls(**data)
