"""The sandbox API over real HTTP on loopback: shapes, strictness, negotiation and faults."""
from __future__ import annotations

import http.client
import json
import threading
import time

import pytest
import requests
from rendertally.core.errors import RejectedError, UnexpectedAnswerError
from rendertally.core.job import RenderJob
from rendertally.core.sandbox import FAULTS, Sandbox
from rendertally.core.wire import Credentials, encode, parse_answer

KEY = "K3y-s3cr3t-467512342123"
PATH = "/api/v1/render/jobdata"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"

FIELDS = {
    "MissionId": "1234", "MissionGuid": None, "Email": "larry@newmedia.com", "JobType": "2",
    "RunDate": "2025-12-04 06:57:36", "JobStatus": "1", "Frames": "12", "RenderHours": "0.25",
    "SoftwareName": "BLD", "SoftwareVersion": "4.2.3", "JobOriginator": "RenderTally",
    "OriginatorVersion": "0.1.0", "RenderEngine": "Cycles", "CreditsUsed": None, "SaasCreditsUsed": None,
}  # fmt: skip

# The help page's XML sample with real values, written by hand (not by wire.encode).
HELP_XML = f"""<RenderJobBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/ApiModels">
<Authentication xmlns:d2p1="http://schemas.datacontract.org/2004/07/Api.Models">
<d2p1:Id>170200123</d2p1:Id>
<d2p1:Key>{KEY}</d2p1:Key>
</Authentication>
<Request>
<CreditsUsed i:nil="true" />
<Email>larry@newmedia.com</Email>
<Frames>12</Frames>
<JobOriginator>RenderTally</JobOriginator>
<JobStatus>1</JobStatus>
<JobType>2</JobType>
<MissionGuid i:nil="true" />
<MissionId>1234</MissionId>
<OriginatorVersion>0.1.0</OriginatorVersion>
<RenderEngine>Cycles</RenderEngine>
<RenderHours>0.25</RenderHours>
<RunDate>2025-12-04 06:57:36</RunDate>
<SaasCreditsUsed i:nil="true" />
<SoftwareName>BLD</SoftwareName>
<SoftwareVersion>4.2.3</SoftwareVersion>
</Request>
</RenderJobBindingModel>"""


def json_body(**changes: object) -> bytes:
    request = {**FIELDS, **changes}
    return json.dumps({"Authentication": {"Id": "170200123", "Key": KEY}, "Request": request}).encode()


@pytest.fixture
def lines() -> list[str]:
    return []


@pytest.fixture
def box(lines: list[str]):
    with Sandbox(log=lines.append, slow_seconds=0.3) as sandbox:
        yield sandbox


def post(box: Sandbox, body: bytes | str, content_type: str | None = JSON_TYPE, **headers: str) -> requests.Response:
    if content_type:
        headers["Content-Type"] = content_type
    data = body.encode() if isinstance(body, str) else body
    return requests.post(box.url + PATH, data=data, headers=headers, timeout=5, allow_redirects=False)


def test_json_body_is_accepted_and_recorded(box: Sandbox) -> None:
    """A well-formed JSON body answers Code 00 and is recorded with the Key masked."""
    response = post(box, json_body())
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.json() == {"Message": {"Code": "00", "Description": "Job data recorded."}}
    [job] = box.jobs
    assert job["format"] == "json"
    assert job["authentication"] == {"Id": "170200123", "Key": "********"}
    assert job["request"] == FIELDS


def test_help_page_xml_sample_is_accepted(box: Sandbox) -> None:
    """The help page's XML sample with real values answers Code 00 in XML, nil read as null."""
    response = post(box, HELP_XML, XML_TYPE, Accept="application/xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XML_TYPE
    assert parse_answer(response.content, response.headers["Content-Type"]).code == "00"
    [job] = box.jobs
    assert job["format"] == "xml"
    assert job["request"] == FIELDS


def test_json_reader_is_as_lenient_as_json_net(box: Sandbox) -> None:
    """Numbers become strings, member names match case-insensitively, unknown members are ignored."""
    body = {"authentication": {"id": 170200123, "KEY": KEY}, "Request": {**FIELDS, "Frames": 12, "Extra": [1]}}
    assert post(box, json.dumps(body)).json()["Message"]["Code"] == "00"
    assert box.jobs[0]["request"]["Frames"] == "12"
    assert box.jobs[0]["authentication"]["Id"] == "170200123"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wire_encode_bodies_are_accepted(fmt: str) -> None:
    """Our encoder's body, with a Key full of markup characters, is accepted and read back as sent."""
    key = 'a<&>"\r\'key'
    job = RenderJob(frames=12, render_hours=0.0125, software="BLD", software_version="4.2.3",
                    render_engine="Cycles", mission_id="m&1", email="a@b.co")
    body, content_type = encode(job, Credentials("id<1>", key), fmt)
    with Sandbox(accept_id="id<1>", accept_key=key) as box:
        response = post(box, body, content_type, Accept=content_type.split(";")[0])
        assert parse_answer(response.content, response.headers["Content-Type"]).code == "00"
        request = box.jobs[0]["request"]
    assert request["MissionId"] == "m&1" and request["RenderHours"] == "0.0125"
    assert request["SoftwareName"] == "BLD" and request["CreditsUsed"] is None


def test_out_of_order_xml_element_is_dropped(box: Sandbox) -> None:
    """An XML element after a later member is silently dropped, so the field is missing (Code 02)."""
    body = HELP_XML.replace("<Frames>12</Frames>\n", "").replace(
        "<JobType>2</JobType>", "<JobType>2</JobType><Frames>12</Frames>"
    )
    answer = parse_answer(post(box, body, XML_TYPE).content)
    assert answer.code == "02"
    assert "Frames is missing" in answer.description
    assert box.jobs == []


def test_authentication_children_in_root_namespace_are_dropped(box: Sandbox) -> None:
    """Id and Key outside the Api.Models namespace are unknown elements: 400 ModelState."""
    body = HELP_XML.replace("d2p1:Id", "Id").replace("d2p1:Key", "Key")
    response = post(box, body, XML_TYPE)
    assert response.status_code == 400
    assert "model.Authentication.Id" in response.json()["ModelState"]


def test_wrong_root_namespace_is_400_model_state(box: Sandbox) -> None:
    """A root element in another namespace answers 400 with ASP.NET's ModelState shape."""
    body = HELP_XML.replace('xmlns="http://schemas.datacontract.org/2004/07/ApiModels"', 'xmlns="urn:other"', 1)
    response = post(box, body, XML_TYPE)
    assert response.status_code == 400
    data = response.json()
    assert data["Message"] == "The request is invalid."
    assert "model" in data["ModelState"]


def test_malformed_xml_answers_400_in_xml(box: Sandbox) -> None:
    """Malformed XML asked for as XML answers 400 as an <Error> that parse_answer rejects."""
    response = post(box, HELP_XML[:-10], XML_TYPE, Accept="application/xml")
    assert response.status_code == 400
    with pytest.raises(RejectedError, match="The request is invalid"):
        parse_answer(response.content, response.headers["Content-Type"])


def test_missing_request_is_400_model_state(box: Sandbox) -> None:
    """A JSON body without Request answers 400 naming model.Request."""
    body = json.dumps({"Authentication": {"Id": "1", "Key": KEY}})
    response = post(box, body)
    assert response.status_code == 400
    assert response.json()["ModelState"] == {"model.Request": ["The Request field is required."]}
    with pytest.raises(RejectedError, match=r"model\.Request"):
        parse_answer(response.content)


def test_invalid_field_answers_code_02_naming_it(box: Sandbox) -> None:
    """A field the service refuses (grouped hours) answers 200 with Code 02 naming the field."""
    answer = parse_answer(post(box, json_body(RenderHours="1,5", RunDate="2025-12-04T06:57:36")).content)
    assert answer.code == "02"
    assert "RenderHours is invalid" in answer.description
    assert "RunDate is invalid" in answer.description


def test_text_plain_is_415(box: Sandbox) -> None:
    """A body that is neither JSON nor XML answers 415 naming its media type."""
    response = post(box, json_body(), "text/plain")
    assert response.status_code == 415
    assert response.json() == {
        "Message": "The request entity's media type 'text/plain' is not supported for this resource."
    }


def test_accept_xml_gives_an_xml_answer(box: Sandbox) -> None:
    """A JSON request with Accept application/xml gets the XML ContactsOutgoingModel answer."""
    response = post(box, json_body(), Accept="application/xml")
    assert response.headers["Content-Type"] == XML_TYPE
    assert response.text.startswith("<ContactsOutgoingModel")
    answer = parse_answer(response.content, response.headers["Content-Type"])
    assert (answer.code, answer.description) == ("00", "Job data recorded.")


def test_accept_any_answers_json_like_web_api(box: Sandbox) -> None:
    """Accept */* picks Web API's first formatter (JSON) even for an XML request."""
    response = post(box, HELP_XML, "text/xml", Accept="*/*")
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.json()["Message"]["Code"] == "00"


def test_unknown_path_and_wrong_method(box: Sandbox) -> None:
    """Other paths answer 404 and GET on the endpoint 405, both as ASP.NET words them."""
    missing = requests.get(box.url + "/api/v1/other", timeout=5)
    assert missing.status_code == 404
    assert missing.json()["Message"].startswith("No HTTP resource was found that matches the request URI")
    wrong = requests.get(box.url + PATH.upper(), timeout=5)
    assert wrong.status_code == 405
    assert wrong.json() == {"Message": "The requested resource does not support http method 'GET'."}


def test_body_limits(box: Sandbox) -> None:
    """A body over 1 MiB answers 413 and a POST without Content-Length answers 411."""
    assert post(box, b" " * (1024 * 1024 + 1)).status_code == 413
    connection = http.client.HTTPConnection(box.url.split("//")[1], timeout=5)
    connection.putrequest("POST", PATH)
    connection.putheader("Content-Type", "application/json")
    connection.endheaders()
    assert connection.getresponse().status == 411
    connection.close()


def test_keep_alive_http_1_1(box: Sandbox) -> None:
    """Answers are HTTP/1.1 with a Content-Length and no Connection: close, so sessions reuse them."""
    with requests.Session() as session:
        for _ in range(2):
            response = session.post(box.url + PATH, data=json_body(), headers={"Content-Type": JSON_TYPE}, timeout=5)
            assert response.raw.version == 11
            assert "close" not in response.headers.get("Connection", "")
            assert int(response.headers["Content-Length"]) == len(response.content)


def test_wrong_credentials_are_401() -> None:
    """With accept_id/accept_key set, a different Key answers 401 as ASP.NET words it."""
    with Sandbox(accept_id="170200123", accept_key="the-right-key") as box:
        response = post(box, json_body())
        assert response.status_code == 401
        assert response.json() == {"Message": "Authorization has been denied for this request."}
        good = json.dumps({"Authentication": {"Id": "170200123", "Key": "the-right-key"}, "Request": FIELDS})
        assert post(box, good).json()["Message"]["Code"] == "00"


def test_key_never_appears_in_logs_or_records(box: Sandbox, lines: list[str]) -> None:
    """Across accepted, rejected and invalid requests the Key's text is never logged or stored."""
    post(box, json_body())
    post(box, HELP_XML, XML_TYPE)
    post(box, json_body(Frames="-1"))
    post(box, json.dumps({"Authentication": {"Id": "1", "Key": KEY}}))
    box.set_fault("reject")
    post(box, json_body())
    served = requests.get(box.url + "/_sandbox/jobs", timeout=5).text
    assert len(lines) == 6 and len(box.requests) == 5
    assert all("Key=********" in line for line in lines[:5])
    for text in (*lines, repr(box.requests), repr(box.jobs), served):
        assert KEY not in text


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [
        ("500", 500, "text/html"),
        ("503", 503, "application/json"),
        ("garbage", 200, "text/plain"),
        ("html200", 200, "text/html"),
        ("redirect", 302, "text/html"),
    ],
)
def test_faults_answer_like_a_broken_server(box: Sandbox, fault: str, status: int, content_type: str) -> None:
    """Each server fault answers its status and content type, and is never a valid answer."""
    box.set_fault(fault)
    response = post(box, json_body())
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(content_type)
    if fault == "503":
        assert response.headers["Retry-After"] == "2"
        assert response.json() == {"Message": "The service is unavailable."}
    if fault == "redirect":
        assert response.headers["Location"] == "https://example.invalid/api/v1/render/jobdata"
    if status == 200:
        with pytest.raises(UnexpectedAnswerError):
            parse_answer(response.content, response.headers["Content-Type"])
    assert box.jobs == []


def test_reject_fault_answers_code_01(box: Sandbox) -> None:
    """The reject fault answers 200 with Code 01 Invalid credentials."""
    box.set_fault("reject")
    answer = parse_answer(post(box, json_body()).content)
    assert (answer.code, answer.description) == ("01", "Invalid credentials.")


def test_slow_fault_answers_late_but_normally(box: Sandbox) -> None:
    """The slow fault waits slow_seconds, then answers Code 00."""
    box.set_fault("slow")
    started = time.monotonic()
    assert post(box, json_body()).json()["Message"]["Code"] == "00"
    assert time.monotonic() - started >= 0.3


def test_hang_does_not_block_stop() -> None:
    """A hung request never gets an answer, and stop() still returns promptly."""
    box = Sandbox(fault="hang").start()
    outcome: list[object] = []

    def client() -> None:
        try:
            outcome.append(post(box, json_body()))
        except requests.RequestException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not box.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert box.requests[0]["status"] is None
    started = time.monotonic()
    box.stop()
    assert time.monotonic() - started < 5
    thread.join(5)
    assert isinstance(outcome[0], requests.ConnectionError)


def test_control_endpoints(box: Sandbox) -> None:
    """/_sandbox/fault switches faults from another process and /_sandbox/jobs lists jobs."""
    post(box, json_body())
    jobs = requests.get(box.url + "/_sandbox/jobs", timeout=5).json()
    assert [job["request"]["Frames"] for job in jobs] == ["12"]
    switched = requests.post(box.url + "/_sandbox/fault", json={"fault": "503"}, timeout=5)
    assert switched.json() == {"fault": "503"}
    assert post(box, json_body()).status_code == 503
    refused = requests.post(box.url + "/_sandbox/fault", json={"fault": "down"}, timeout=5)
    assert refused.status_code == 400
    assert box.fault == "503"


def test_unknown_fault_is_refused() -> None:
    """set_fault names the valid faults when given an unknown one."""
    with Sandbox() as box, pytest.raises(ValueError, match="hang"):
        box.set_fault("down")
    assert "none" in FAULTS
