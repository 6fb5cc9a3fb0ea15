"""The client against real loopback HTTP servers: every row of DESIGN.md's outcome table."""
from __future__ import annotations

import json

import pytest

from rendertally.core.client import Client, endpoint_url, parse_retry_after
from rendertally.core.errors import (
    ConfigurationError,
    CredentialsRejectedError,
    RedirectError,
    RejectedError,
    ServerBusyError,
    TransportError,
    UnexpectedAnswerError,
)
from rendertally.core.wire import JSON_TYPE, XML_TYPE

from ..servers import ScriptedServer, http_response, ok_json, reset, tls_server

BODY = b'{"Authentication":{"Id":"1","Key":"k"},"Request":{}}'


@pytest.fixture
def serve():
    """Factory: start a scripted server answering every request with ``action``."""
    servers = []

    def start(action, **client_options):
        server = ScriptedServer(lambda request: action)
        server.__enter__()
        servers.append(server)
        return server, Client(server.url, **client_options)

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def test_delivered_sends_explicit_headers_and_returns_the_answer(serve):
    """2xx with Code 00 is delivered; the request names its Content-Type and Accept."""
    server, client = serve(ok_json())
    answer = client.post(BODY, JSON_TYPE)
    assert (answer.code, answer.description) == ("00", "Job data recorded.")
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/api/v1/render/jobdata")
    assert request.headers["content-type"] == JSON_TYPE
    assert request.headers["accept"] == "application/json"
    assert request.body == BODY


def test_xml_accept_header(serve):
    """An XML body asks for an XML answer."""
    server, client = serve(ok_json())
    client.post(b"<x/>", XML_TYPE)
    assert server.requests[0].headers["accept"] == "application/xml"


def test_other_code_is_rejected_with_the_server_words(serve):
    """2xx with a Code other than 00 is a rejection carrying Code and Description."""
    _, client = serve(ok_json("02", "Frames is not a number"))
    with pytest.raises(RejectedError) as caught:
        client.post(BODY, JSON_TYPE)
    assert (caught.value.code, caught.value.description) == ("02", "Frames is not a number")
    assert not caught.value.retryable


@pytest.mark.parametrize(("status", "body", "words"), [
    (400, '{"Message":"The request is invalid.","ModelState":{"model.Request":["required"]}}', "model.Request"),
    (413, '{"Message":"The request is too large."}', "413"),
    (415, '{"Message":"The request entity\'s media type \'text/plain\' is not supported."}', "415"),
])
def test_client_errors_are_rejections(serve, status, body, words):
    """400 (ModelState), 413 and 415 are rejected, kept for a person, not retried."""
    _, client = serve(http_response(status, body))
    with pytest.raises(RejectedError, match=words) as caught:
        client.post(BODY, JSON_TYPE)
    assert type(caught.value) is RejectedError
    assert caught.value.status == status


@pytest.mark.parametrize("status", [401, 403])
def test_credentials_refused(serve, status):
    """401/403 are CredentialsRejectedError (the sender pauses on them)."""
    _, client = serve(http_response(status, '{"Message":"Authorization has been denied for this request."}'))
    with pytest.raises(CredentialsRejectedError, match="Id and Key"):
        client.post(BODY, JSON_TYPE)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_busy_statuses_are_retryable(serve, status):
    """408, 429 and 5xx (HTML pages included) are retried later."""
    _, client = serve(http_response(status, "<html><body>Server Error</body></html>", content_type="text/html"))
    with pytest.raises(ServerBusyError) as caught:
        client.post(BODY, JSON_TYPE)
    assert caught.value.retryable and caught.value.status == status
    assert "HTML error page" in str(caught.value)


@pytest.mark.parametrize(("header", "low", "high"), [("120", 120, 120), ("99999999", 6 * 3600, 6 * 3600),
                                                      ("soon", None, None), ("-5", None, None)])
def test_retry_after_is_read_and_clamped(serve, header, low, high):
    """Retry-After seconds are a floor, clamped to 6 h; malformed values are ignored."""
    _, client = serve(http_response(503, "{}", headers={"Retry-After": header}))
    with pytest.raises(ServerBusyError) as caught:
        client.post(BODY, JSON_TYPE)
    if low is None:
        assert caught.value.retry_after is None
    else:
        assert low <= caught.value.retry_after <= high


def test_retry_after_as_http_date():
    """An HTTP-date Retry-After becomes seconds from now (never negative)."""
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 + 60) == 0


@pytest.mark.parametrize("action", [
    http_response(200, "<html><body>Please log in to the proxy</body></html>", content_type="text/html"),
    http_response(200, '{"Message":"An error has occurred."}'),
    http_response(200, ""),
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 80\r\nConnection: close\r\n\r\n{\"Message\":{\"Co",
])
def test_a_2xx_that_is_not_our_answer_is_retried(serve, action):
    """Proxy pages, a Message string, an empty or truncated body: not delivered, retry later."""
    _, client = serve(action)
    with pytest.raises((UnexpectedAnswerError, TransportError)) as caught:
        client.post(BODY, JSON_TYPE)
    assert caught.value.retryable


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_never_followed(serve, status):
    """3xx is a configuration error; the Key is not sent to the Location."""
    target, _ = serve(ok_json())
    server, client = serve(http_response(status, "", headers={"Location": target.url + "/api/v1/render/jobdata"}))
    with pytest.raises(RedirectError, match="never sent to a redirect") as caught:
        client.post(BODY, JSON_TYPE)
    assert caught.value.location.startswith(target.url)
    assert target.requests == []
    assert len(server.requests) == 1


def test_not_found_is_a_configuration_problem(serve):
    """404 means the URL is wrong: kept and surfaced, like a redirect."""
    _, client = serve(http_response(404, '{"Message":"No HTTP resource was found."}'))
    with pytest.raises(RedirectError, match="check the API URL"):
        client.post(BODY, JSON_TYPE)


def test_refused_connection_is_a_transport_error():
    """Nobody listening: TransportError, retryable, naming the URL."""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(TransportError, match="Could not reach") as caught:
        Client(url).post(BODY, JSON_TYPE)
    assert caught.value.retryable


def test_reset_mid_request_is_a_transport_error(serve):
    """A connection reset after the request was sent is retried (at-least-once delivery)."""
    _, client = serve(reset)
    with pytest.raises(TransportError):
        client.post(BODY, JSON_TYPE)


def test_a_server_that_never_answers_times_out(serve):
    """A black hole trips the read timeout."""
    server, _ = serve(None)
    server.respond = lambda r: server.hang
    client = Client(server.url, connect_timeout=1, read_timeout=0.5)
    with pytest.raises(TransportError, match="in time"):
        client.post(BODY, JSON_TYPE)


def test_a_trickling_body_hits_the_overall_deadline(serve):
    """One byte a second never trips the per-read timeout; the per-attempt deadline stops it."""
    server, _ = serve(None)
    head, _, payload = ok_json().partition(b"\r\n\r\n")
    # Headers at once, then the body byte by byte: each read returns well within read_timeout.
    server.respond = lambda r: lambda sock: (sock.sendall(head + b"\r\n\r\n"), server.trickle(payload, every=0.2)(sock))
    client = Client(server.url, connect_timeout=1, read_timeout=1, deadline=0.5)
    with pytest.raises(TransportError):
        client.post(BODY, JSON_TYPE)


def test_plain_http_is_refused_except_on_loopback():
    """The Key never travels over plain http to another machine."""
    with pytest.raises(ConfigurationError, match="plain http"):
        endpoint_url("http://api.example.com")
    assert endpoint_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/api/v1/render/jobdata"
    assert endpoint_url("https://big.example.com/base") == "https://big.example.com/base/api/v1/render/jobdata"
    for bad in ("", "big.example.com", "https://u:p@x.com", "https://x.com/?q=1"):
        with pytest.raises(ConfigurationError):
            endpoint_url(bad)


def test_untrusted_certificate_is_a_transport_error(tmp_path):
    """TLS verification is on: a self-signed certificate is refused."""
    pytest.importorskip("trustme")
    with tls_server(tmp_path) as (url, bundle):
        with pytest.raises(TransportError, match="TLS"):
            Client(url).post(BODY, JSON_TYPE)
        with pytest.raises(UnexpectedAnswerError):  # trusted now: the TLS part works
            Client(url, ca_bundle=str(bundle)).post(BODY, JSON_TYPE)


def test_probe_does_not_post(serve):
    """doctor's probe uses GET and sends no body."""
    server, client = serve(http_response(405, json.dumps({"Message": "GET not supported"})))
    assert client.probe() == 405
    assert server.requests[0].method == "GET"


def test_trickling_headers_hit_the_overall_deadline(serve):
    """A status line and headers sent a byte at a time are cut off at the per-attempt deadline."""
    server, _ = serve(None)
    server.respond = lambda r: server.trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 500, every=0.05)
    client = Client(server.url, connect_timeout=1, read_timeout=1, deadline=0.8)
    with pytest.raises(TransportError, match="within 0.8s"):
        client.post(BODY, JSON_TYPE)


def test_connections_are_reused_between_attempts():
    """Consecutive posts from one client share one kept-alive connection (the watchdog adapter
    keeps requests' pooling)."""
    from rendertally.core.sandbox import Sandbox

    with Sandbox() as box:
        client = Client(box.url)
        body = (b'{"Authentication":{"Id":"1","Key":"k"},"Request":{"JobType":"1","JobStatus":"1",'
                b'"Frames":"1","RenderHours":"1","RunDate":"2025-01-01 00:00:00","SoftwareName":"BLD",'
                b'"SoftwareVersion":"5","RenderEngine":"Cycles","JobOriginator":"RenderTally"}}')
        for _ in range(3):
            assert client.post(body, JSON_TYPE).ok
        pool = next(iter(client._session.adapters["http://"].poolmanager.pools._container.values()))
        assert pool.num_connections == 1
