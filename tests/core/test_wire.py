"""The wire form: bodies byte-for-byte against the help page, and every answer shape."""
from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rendertally.core import __version__
from rendertally.core.errors import RejectedError, UnexpectedAnswerError
from rendertally.core.wire import NS_MODELS, NS_ROOT, Credentials, encode, mask, parse_answer

GOLDEN = Path(__file__).with_name("golden")
SAMPLE_CREDENTIALS = Credentials("170200123", "467512342123")


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes().replace(b"@VERSION@", __version__.encode())


@pytest.fixture
def sample_job(make_job):
    """The help page's sample job, with real values."""
    return make_job(frames=12, render_hours=3456, software="MAY", software_version="2018",
                    render_engine="Arnold", job_type="economy", status="done", mission_id="1234",
                    email="larry@newmedia.com",
                    run_date=dt.datetime(2025, 12, 4, 6, 57, 36, tzinfo=dt.timezone.utc))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_body_matches_golden_file(sample_job, fmt):
    """The encoder writes exactly the help page's sample body."""
    body, content_type = encode(sample_job, SAMPLE_CREDENTIALS, fmt)
    assert body == golden(f"sample.{fmt}")
    assert content_type == f"application/{fmt}; charset=utf-8"


def test_xml_request_elements_are_in_ordinal_order(sample_job):
    """DataContractSerializer drops out-of-order elements: Request children must be sorted."""
    root = ET.fromstring(encode(sample_job, SAMPLE_CREDENTIALS, "xml")[0])
    names = [child.tag.split("}")[1] for child in root.find(f"{{{NS_ROOT}}}Request")]
    assert names == sorted(names)
    assert len(names) == 15
    auth = root.find(f"{{{NS_ROOT}}}Authentication")
    assert [child.tag for child in auth] == [f"{{{NS_MODELS}}}Id", f"{{{NS_MODELS}}}Key"]


def test_xml_escapes_markup_and_keeps_carriage_returns(make_job):
    """Markup characters are escaped and a CR survives XML line-end normalisation."""
    body, _ = encode(make_job(render_engine="A&B <x>\r\n"), Credentials("i<d", "k&y"), "xml")
    root = ET.fromstring(body)
    assert root.find(f"{{{NS_ROOT}}}Request/{{{NS_ROOT}}}RenderEngine").text == "A&B <x>"
    assert root.find(f"{{{NS_ROOT}}}Authentication/{{{NS_MODELS}}}Key").text == "k&y"


def test_json_values_are_all_strings_or_null(make_job):
    """Every Request value in JSON is a string or null, as the binding model expects."""
    data = json.loads(encode(make_job(), SAMPLE_CREDENTIALS, "json")[0])
    assert all(v is None or isinstance(v, str) for v in data["Request"].values())


def test_settings_email_fills_a_job_without_one(make_job):
    """A job recorded before the e-mail was set carries the e-mail in force when sent."""
    data = json.loads(encode(make_job(email=None), SAMPLE_CREDENTIALS, "json", email="a@b.co")[0])
    assert data["Request"]["Email"] == "a@b.co"


def test_unknown_format_is_refused(make_job):
    """Only json and xml exist."""
    with pytest.raises(ValueError, match="json"):
        encode(make_job(), SAMPLE_CREDENTIALS, "yaml")


@pytest.mark.parametrize("key", ["467512342123", "a&b<c>\"d", "ключ"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_mask_hides_the_key_in_either_format(make_job, key, fmt):
    """mask() leaves no trace of the Key, whatever escaping the format applied."""
    body, _ = encode(make_job(), Credentials("1", key), fmt)
    masked = mask(body, key)
    assert b"********" in masked
    for form in (key.encode(), json.dumps(key)[1:-1].encode(), key.replace("&", "&amp;").encode()):
        assert form not in masked


# -- answers -------------------------------------------------------------------------------
XML_ANSWER = (
    '<ContactsOutgoingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns="http://schemas.datacontract.org/2004/07/ApiModels">'
    '<Message xmlns:{p}="http://schemas.datacontract.org/2004/07/Api.Models">'
    "<{p}:Code>{code}</{p}:Code><{p}:Description>{desc}</{p}:Description></Message></ContactsOutgoingModel>"
)


@pytest.mark.parametrize("prefix", ["d2p1", "a", "zz9"])
def test_xml_answer_is_read_by_namespace_not_prefix(prefix):
    """Whatever prefix the server picks, Code and Description are found."""
    answer = parse_answer(XML_ANSWER.format(p=prefix, code="00", desc="Saved").encode())
    assert (answer.code, answer.description, answer.ok) == ("00", "Saved", True)


def test_json_answer_with_a_bom_and_other_code():
    """A UTF-8 BOM is tolerated; a Code other than 00 is an answer that is not ok."""
    answer = parse_answer('\ufeff{"Message": {"Code": "02", "Description": "Bad frames"}}'.encode())
    assert (answer.code, answer.ok) == ("02", False)


def test_model_state_400_becomes_a_rejection_with_the_server_words():
    """ASP.NET's ModelState shape is read as a rejection naming the fields."""
    body = b'{"Message":"The request is invalid.","ModelState":{"model.Request.Frames":["Bad value"]}}'
    with pytest.raises(RejectedError, match="model.Request.Frames: Bad value"):
        parse_answer(body)


def test_xml_model_state_becomes_a_rejection():
    """The XML form of the 400 ModelState answer is read too."""
    body = (b"<Error><Message>The request is invalid.</Message><ModelState>"
            b"<model.Request>The Request field is required.</model.Request></ModelState></Error>")
    with pytest.raises(RejectedError, match="Request field is required"):
        parse_answer(body)


@pytest.mark.parametrize("body", [
    b"",
    b"   ",
    b"<!DOCTYPE html><html><body>Proxy login</body></html>",
    b"<html><body>Sign in</body></html>",
    b'{"Message": "An error has occurred."}',
    b'{"Message": {"Description": "no code"}}',
    b'{"Message": {"Code": "00"',
    b"[1, 2]",
    b"\x89PNG\r\n\x1a\n",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    b"{" + b" " * (70 * 1024) + b"}",
])
def test_anything_else_is_not_our_answer(body):
    """Empty, HTML, truncated, DTD, oversized and shapeless bodies are UnexpectedAnswerError."""
    with pytest.raises(UnexpectedAnswerError):
        parse_answer(body, "text/html")


def test_the_key_is_masked_as_a_whole_token_only():
    """A Key inside ordinary words is left alone; the Key as its own token is masked, raw or escaped."""
    text = "Name or service not known; Key=sekret1; \"sekret1\"; sekret12"
    masked = mask(text.encode(), "sekret1").decode()
    assert masked == "Name or service not known; Key=********; \"********\"; sekret12"
    assert mask(b"Name or service not known", "k") == b"Name or service not known"
