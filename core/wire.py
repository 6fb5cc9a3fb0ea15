"""The wire form of a job and of the API's answer (JSON and DataContract XML).

Pure functions on bytes: no network here. The XML is written exactly as .NET's
DataContractSerializer reads it — it silently drops an element that comes out of alphabetical
order, so the order below is part of the contract, not a style choice.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from . import __version__
from .errors import RejectedError, UnexpectedAnswerError
from .job import RenderJob, format_hours, format_run_date

ORIGINATOR = "RenderTally"
NS_ROOT = "http://schemas.datacontract.org/2004/07/ApiModels"
NS_MODELS = "http://schemas.datacontract.org/2004/07/Api.Models"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
FORMATS = ("json", "xml")
SUCCESS = "00"
MAX_ANSWER_BYTES = 64 * 1024

# Field order of the help page's JSON sample; the XML sorts them (DataContract order).
REQUEST_FIELDS = (
    "MissionId", "MissionGuid", "Email", "JobType", "RunDate", "JobStatus", "Frames",
    "RenderHours", "SoftwareName", "SoftwareVersion", "JobOriginator", "OriginatorVersion",
    "RenderEngine", "CreditsUsed", "SaasCreditsUsed",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Credentials:
    """The account's Id and Key. ``repr`` never shows the Key."""

    id: str
    key: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class Answer:
    """The API's ``Message``: ``Code`` ("00" is success) and ``Description``."""

    code: str
    description: str
    status: int | None = None  # the HTTP status it came with, when it came over HTTP

    @property
    def ok(self) -> bool:
        return self.code == SUCCESS


def request_fields(job: RenderJob, email: str | None = None) -> dict[str, str | None]:
    """The ``Request`` object: every value a string or None, in the help page's order."""
    values = {
        "MissionId": job.mission_id,
        "MissionGuid": None,
        "Email": job.email or email,
        "JobType": job.job_type.value,
        "RunDate": format_run_date(job.run_date),
        "JobStatus": job.status.value,
        "Frames": str(job.frames),
        "RenderHours": format_hours(job.render_hours),
        "SoftwareName": job.software.value,
        "SoftwareVersion": job.software_version,
        "JobOriginator": ORIGINATOR,
        "OriginatorVersion": __version__,
        "RenderEngine": job.render_engine,
        "CreditsUsed": None,
        "SaasCreditsUsed": None,
    }
    return {name: values[name] for name in REQUEST_FIELDS}


def encode(job: RenderJob, credentials: Credentials, fmt: str = "json", email: str | None = None) -> tuple[bytes, str]:
    """The request body and its Content-Type for ``fmt`` ("json" or "xml")."""
    request = request_fields(job, email)
    if fmt == "json":
        body = {"Authentication": {"Id": credentials.id, "Key": credentials.key}, "Request": request}
        return json.dumps(body, separators=(",", ":")).encode("ascii"), JSON_TYPE
    if fmt == "xml":
        return _encode_xml(credentials, request), XML_TYPE
    raise ValueError(f"unknown wire format {fmt!r}; use one of {FORMATS}")


def _text(value: str) -> str:
    # What xml.sax.saxutils.escape does, without importing it (it pulls in urllib and http.client,
    # ~15 ms of a host's start-up). A bare carriage return would be normalised away by the reader;
    # keep it as a reference.
    return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("\r", "&#xD;")


def _encode_xml(credentials: Credentials, request: dict[str, str | None]) -> bytes:
    parts = [f'<RenderJobBindingModel xmlns:i="{NS_XSI}" xmlns="{NS_ROOT}">']
    parts.append(f'<Authentication xmlns:d2p1="{NS_MODELS}">')
    parts.append(f"<d2p1:Id>{_text(credentials.id)}</d2p1:Id>")
    parts.append(f"<d2p1:Key>{_text(credentials.key)}</d2p1:Key>")
    parts.append("</Authentication><Request>")
    for name in sorted(request, key=str.encode):  # ordinal order, as DataContractSerializer
        value = request[name]
        parts.append(f'<{name} i:nil="true" />' if value is None else f"<{name}>{_text(value)}</{name}>")
    parts.append("</Request></RenderJobBindingModel>")
    return "".join(parts).encode("utf-8")


def mask(body: bytes, key: str) -> bytes:
    """``body`` with every whole-token occurrence of the Key (raw or escaped) replaced by asterisks.

    Whole tokens only: masking a short Key inside ordinary words ("Name or service not
    ********nown") garbles the message and tells the reader what the Key is.
    """
    if not key:
        return body
    for form in sorted({key, _text(key), json.dumps(key)[1:-1]}, key=len, reverse=True):
        pattern = rb"(?<![A-Za-z0-9_\-])" + re.escape(form.encode("utf-8")) + rb"(?![A-Za-z0-9_\-])"
        body = re.sub(pattern, b"********", body)
    return body


def mask_text(text: str, key: str) -> str:
    """``text`` with the Key (raw or escaped) masked: servers may quote a bad value back."""
    return mask(text.encode("utf-8"), key).decode("utf-8") if key and text else text


def parse_answer(body: bytes, content_type: str = "") -> Answer:
    """Read the API's answer, JSON or XML, whatever prefixes the server picked.

    Raises :class:`RejectedError` for ASP.NET's 400 ``ModelState`` shape (a ``Message`` string
    with details) and :class:`UnexpectedAnswerError` for anything that is not the answer.
    """
    if len(body) > MAX_ANSWER_BYTES:
        raise UnexpectedAnswerError(f"the answer is {len(body)} bytes long, not an API answer")
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise UnexpectedAnswerError("the answer was empty")
    if text.startswith("<"):
        return _parse_xml(text)
    if text.startswith("{"):
        return _parse_json(text)
    kind = content_type.split(";", maxsplit=1)[0].strip() or "unknown content type"
    raise UnexpectedAnswerError(f"the answer is not JSON or XML ({kind}): {_snippet(text)}")


def _snippet(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _parse_json(text: str) -> Answer:
    try:
        data = json.loads(text)
    except ValueError:
        raise UnexpectedAnswerError(f"the answer is not valid JSON: {_snippet(text)}") from None
    message = data.get("Message") if isinstance(data, dict) else None
    if isinstance(message, dict) and isinstance(message.get("Code"), str):
        return Answer(message["Code"].strip(), str(message.get("Description") or "").strip())
    if isinstance(message, str) and isinstance(data.get("ModelState"), dict):
        raise RejectedError(_model_state(message, data["ModelState"]), description=message)
    raise UnexpectedAnswerError(f"the answer has no Message with a Code: {_snippet(text)}")


def _model_state(message: str, state: dict[str, Any]) -> str:
    details = []
    for field, errors in state.items():
        listed = errors if isinstance(errors, list) else [errors]
        details.append(f"{field}: {'; '.join(str(e) for e in listed)}")
    return f"{message} {' | '.join(details)}".strip()


def _parse_xml(text: str) -> Answer:
    if "<!DOCTYPE" in text[:1024].upper() or "<!ENTITY" in text.upper():
        raise UnexpectedAnswerError(f"the answer is an HTML or DTD document: {_snippet(text)}")
    import xml.etree.ElementTree as ET  # only answers need it; host start-up does not

    try:
        root = ET.fromstring(text)  # noqa: S314 - DTDs refused above; size capped
    except ET.ParseError:
        raise UnexpectedAnswerError(f"the answer is not well-formed XML: {_snippet(text)}") from None
    if root.tag == "Error" and root.find("ModelState") is not None:
        state = {child.tag: child.text or "" for child in root.find("ModelState")}
        message_text = (root.findtext("Message") or "").strip()
        raise RejectedError(_model_state(message_text, state), description=message_text)
    message = root.find(f"{{{NS_ROOT}}}Message")
    if message is not None:
        code = message.findtext(f"{{{NS_MODELS}}}Code")
        if code is not None:
            description = message.findtext(f"{{{NS_MODELS}}}Description") or ""
            return Answer(code.strip(), description.strip())
    raise UnexpectedAnswerError(f"the XML answer has no Message/Code: {_snippet(text)}")
