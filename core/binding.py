"""How the service reads a job request and words its answers: ASP.NET Web API's model binding.

The sandbox's half that is not HTTP: Json.NET's leniency for JSON, DataContractSerializer's
strictness for XML (alphabetical members; an out-of-order or unknown element is silently
dropped), the service's own field checks, content negotiation, and the answer and error bodies.
Its own readers, not :mod:`.wire`'s writer, so a bug in our encoder cannot hide behind the same
bug here. Standard library only.
"""
from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from typing import Any, Callable
from xml.sax.saxutils import escape

from .wire import NS_MODELS, NS_ROOT, NS_XSI

INVALID = "The request is invalid."
# Web API's default formatters, in their order: JSON first, so "Accept: */*" answers JSON.
FORMATTERS = (("json", ("application/json", "text/json")), ("xml", ("application/xml", "text/xml")))
ROOT_MEMBERS = ("Authentication", "Request")
AUTH_MEMBERS = ("Id", "Key")
# DataContractSerializer reads members in ordinal order; that order is the contract.
REQUEST_MEMBERS = tuple(sorted((
    "MissionId", "MissionGuid", "Email", "JobType", "RunDate", "JobStatus", "Frames", "RenderHours",
    "SoftwareName", "SoftwareVersion", "JobOriginator", "OriginatorVersion", "RenderEngine",
    "CreditsUsed", "SaasCreditsUsed",
), key=str.encode))  # fmt: skip
DESERIALIZE = "There was an error deserializing the object of type ApiModels.RenderJobBindingModel."
_RUN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_HOURS = re.compile(r"[0-9]+(\.[0-9]+)?")


class BadRequest(Exception):
    """Model binding failed; ASP.NET answers 400 with these ModelState entries."""

    def __init__(self, state: dict[str, list[str]]) -> None:
        super().__init__(", ".join(state))  # field names only: a value could be the Key
        self.state = state


# -- JSON, read the way Json.NET binds it --------------------------------------------------------
class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object as (name, value) pairs in document order."""


def _member(obj: _Pairs, name: str) -> Any:
    # Json.NET matches names case-insensitively and lets a repeated member overwrite.
    found = None
    for key, value in obj:
        if key.lower() == name.lower():
            found = value
    return found


def _json_string(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: Json.NET gives Boolean.ToString()
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return str(value)
    raise BadRequest({path: [f"Unexpected character encountered while parsing value. Path '{path[6:]}'."]})


def _json_object(value: Any, path: str) -> _Pairs | None:
    if value is None or isinstance(value, _Pairs):
        return value
    raise BadRequest({path: [f"Error converting value to type '{path[6:]}'. Path '{path[6:]}'."]})


def read_json(body: bytes) -> tuple[dict[str, str | None] | None, dict[str, str | None] | None]:
    """(Authentication, Request) from a JSON body; an empty body binds null, like Web API."""
    try:
        text = body.decode("utf-8-sig")
        data = json.loads(text, object_pairs_hook=_Pairs) if text.strip() else None
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        where = f", line {exc.lineno}, position {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BadRequest({"model": [f"Unexpected character encountered while parsing value. Path ''{where}."]}) from None
    if data is None:
        return None, None
    if not isinstance(data, _Pairs):
        raise BadRequest({"model": ["Cannot deserialize the current JSON value into type 'RenderJobBindingModel'."]})
    auth = _json_object(_member(data, "Authentication"), "model.Authentication")
    req = _json_object(_member(data, "Request"), "model.Request")
    return (
        None if auth is None else {n: _json_string(_member(auth, n), f"model.Authentication.{n}") for n in AUTH_MEMBERS},
        None if req is None else {n: _json_string(_member(req, n), f"model.Request.{n}") for n in REQUEST_MEMBERS},
    )


# -- XML, read the way DataContractSerializer reads it -------------------------------------------
def _is_nil(element: ET.Element) -> bool:
    return element.get(f"{{{NS_XSI}}}nil", "").strip() in ("true", "1")


def _read_members(parent: ET.Element, namespace: str, names: tuple[str, ...]) -> dict[str, ET.Element]:
    # The serializer looks for each element only among the members AFTER the last one it read;
    # an unknown, wrong-namespace, repeated or out-of-order element is skipped without a word.
    found: dict[str, ET.Element] = {}
    cursor = 0
    for child in parent:
        for index in range(cursor, len(names)):
            if child.tag == f"{{{namespace}}}{names[index]}":
                found[names[index]] = child
                cursor = index + 1
                break
    return found


def _read_strings(parent: ET.Element | None, namespace: str, names: tuple[str, ...], path: str) -> dict[str, str | None] | None:
    if parent is None or _is_nil(parent):
        return None
    elements = _read_members(parent, namespace, names)
    values: dict[str, str | None] = {}
    for name in names:
        element = elements.get(name)
        if element is not None and len(element):
            raise BadRequest({f"{path}.{name}": [f"{DESERIALIZE} Expecting state 'Text' for '{name}'."]})
        values[name] = None if element is None or _is_nil(element) else (element.text or "")
    return values


def read_xml(body: bytes) -> tuple[dict[str, str | None] | None, dict[str, str | None] | None]:
    """(Authentication, Request) from a DataContract XML body; an empty body binds null."""
    if not body.strip():
        return None, None
    if re.search(rb"<!(DOCTYPE|ENTITY)", body, re.IGNORECASE):  # XmlDictionaryReader prohibits DTDs
        raise BadRequest({"model": [f"{DESERIALIZE} DTD is prohibited in this XML document."]})
    try:
        root = ET.fromstring(body)  # noqa: S314 - DTDs refused above and the body is size-capped
    except ET.ParseError as exc:
        line, column = exc.position
        raise BadRequest({"model": [f"{DESERIALIZE} The XML is not well-formed (line {line}, position {column})."]}) from None
    expected = f"{{{NS_ROOT}}}RenderJobBindingModel"
    if root.tag != expected:
        namespace, _, name = root.tag[1:].rpartition("}") if root.tag.startswith("{") else ("", "", root.tag)
        raise BadRequest({"model": [f"Error in line 1 position 1. Expecting element 'RenderJobBindingModel' from namespace "
                                    f"'{NS_ROOT}'.. Encountered 'Element'  with name '{name}', namespace '{namespace}'. "]})
    if _is_nil(root):
        return None, None
    members = _read_members(root, NS_ROOT, ROOT_MEMBERS)
    return (_read_strings(members.get("Authentication"), NS_MODELS, AUTH_MEMBERS, "model.Authentication"),
            _read_strings(members.get("Request"), NS_ROOT, REQUEST_MEMBERS, "model.Request"))


# -- what the service itself checks --------------------------------------------------------------
def check_required(auth: dict[str, str | None] | None, request: dict[str, str | None] | None) -> None:
    # [Required] attributes: a missing, null or blank string fails, and ASP.NET answers 400.
    state: dict[str, list[str]] = {}
    if auth is None:
        state["model.Authentication"] = ["The Authentication field is required."]
    else:
        for name in AUTH_MEMBERS:
            if not (auth[name] or "").strip():
                state[f"model.Authentication.{name}"] = [f"The {name} field is required."]
    if request is None:
        state["model.Request"] = ["The Request field is required."]
    if state:
        raise BadRequest(state)


def _is_run_date(value: str) -> bool:
    if not _RUN_DATE.fullmatch(value):
        return False
    try:
        datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


_RULES: tuple[tuple[str, Callable[[str], Any], str], ...] = (
    ("JobType", lambda v: v in ("1", "2", "3"), "1, 2 or 3"),
    ("JobStatus", lambda v: v in ("1", "2", "3"), "1, 2 or 3"),
    ("Frames", re.compile(r"[0-9]+").fullmatch, "a whole number"),
    ("RenderHours", _HOURS.fullmatch, "hours with a decimal point and no grouping"),
    ("RunDate", _is_run_date, "YYYY-MM-DD HH:MM:SS"),
    ("SoftwareName", lambda v: v in ("BLD", "C4D", "MAX", "MAY"), "BLD, C4D, MAX or MAY"),
    ("SoftwareVersion", str.strip, "the host's version"),
    ("RenderEngine", str.strip, "the render engine's name"),
    ("JobOriginator", str.strip, "the reporting product"),
)


def check_fields(request: dict[str, str | None]) -> list[str]:
    """One sentence per Request field the service would refuse (answered with Code "02")."""
    problems = []
    for name, rule, expected in _RULES:
        value = request.get(name)
        if value is None or not rule(value):
            problems.append(f"{name} is {'missing' if value is None else 'invalid'}: expected {expected}.")
    return problems


# -- content negotiation, as Web API's DefaultContentNegotiator ----------------------------------
def media_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


def request_format(content_type: str | None) -> str | None:
    """"json" or "xml" for a Content-Type a Web API formatter reads; None means 415."""
    media = media_type(content_type)
    return next((fmt for fmt, types in FORMATTERS if media in types), None)


def _accept_ranges(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        media, _, params = item.partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media.strip():
            ranges.append((media.strip().lower(), q))
    # Highest q first; on a tie the more specific range first (the sort is stable).
    return sorted(ranges, key=lambda r: (-r[1], r[0].count("*")))


def _match(ranges: list[tuple[str, float]], types: tuple[str, ...]) -> tuple[int, float, str] | None:
    # (rank, q, media type): rank 0 a literal match, 1 a "type/*" range, 2 "*/*".
    for media, q in ranges:
        for supported in types:
            if q <= 0:
                continue
            if media == supported:
                return 0, q, supported
            if media.endswith("/*") and media != "*/*" and supported.startswith(media[:-1]):
                return 1, q, supported
            if media == "*/*":
                return 2, q, supported
    return None


def negotiate(accept: str | None, content_type: str | None) -> tuple[str, str]:
    """(format, media type) of the answer: the Accept header, else the request's own type, else JSON."""
    ranges = _accept_ranges(accept or "")
    matches = [(m, fmt) for fmt, types in FORMATTERS for m in [_match(ranges, types)] if m]
    best: tuple[tuple[int, float, str], str] | None = None
    for rank in (0, 1, 2):  # a later category (or formatter) wins only with a strictly higher q
        for match, fmt in matches:
            if match[0] == rank and (best is None or match[1] > best[0][1]):
                best = (match, fmt)
    if best is not None:
        return best[1], best[0][2]
    fmt = request_format(content_type)
    return (fmt, media_type(content_type)) if fmt else ("json", "application/json")


def answer_body(fmt: str, code: str, description: str) -> bytes:
    """The ``ContactsOutgoingModel`` answer in ``fmt``."""
    if fmt == "xml":
        return (f'<ContactsOutgoingModel xmlns:i="{NS_XSI}" xmlns="{NS_ROOT}"><Message xmlns:d2p1="{NS_MODELS}">'
                f"<d2p1:Code>{escape(code)}</d2p1:Code><d2p1:Description>{escape(description)}</d2p1:Description>"
                "</Message></ContactsOutgoingModel>").encode()  # fmt: skip
    return json.dumps({"Message": {"Code": code, "Description": description}}).encode("utf-8")


def error_body(fmt: str, message: str, state: dict[str, list[str]] | None = None) -> bytes:
    """ASP.NET's ``HttpError``: ``Message`` and, for 400, ``ModelState``."""
    if fmt == "xml":
        inner = "".join(f"<{k}>{escape(e)}</{k}>" for k, errors in (state or {}).items() for e in errors)
        extra = f"<ModelState>{inner}</ModelState>" if state else ""
        return f"<Error><Message>{escape(message)}</Message>{extra}</Error>".encode()
    return json.dumps({"Message": message, **({"ModelState": state} if state else {})}).encode("utf-8")
