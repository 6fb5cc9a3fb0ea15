"""The client takes proxies, CA bundles, .netrc and cookies from where requests takes them, as a
plain ``requests.post`` would, while resolving the environment at most once a second."""
from __future__ import annotations

import pytest

from rendertally.core import client as client_mod
from rendertally.core.client import Client
from rendertally.core.errors import UnexpectedAnswerError
from rendertally.core.wire import JSON_TYPE

from .. import servers as servers_mod
from ..servers import ScriptedServer, http_response, ok_json

BODY = b'{"Authentication":{"Id":"1","Key":"k"},"Request":{}}'
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                   "all_proxy", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC")


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No proxy, CA bundle or .netrc of this machine's leaks into these tests."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture
def servers():
    """Factory: started scripted servers (an API, a proxy) answering with the API's "00"."""
    started = []

    def start(respond=lambda request: ok_json()):
        server = ScriptedServer(respond).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


def test_the_proxy_setting_carries_every_request(servers):
    """With a proxy set, the request goes to the proxy, for the API's absolute URL."""
    api, proxy = servers(), servers()
    Client(api.url, proxy=proxy.url).post(BODY, JSON_TYPE)
    assert api.requests == []
    (request,) = proxy.requests
    assert request.path == f"{api.url}/api/v1/render/jobdata"
    assert request.body == BODY


def test_the_environment_s_proxy_and_no_proxy_are_honoured(servers, monkeypatch):
    """HTTP_PROXY sends through the proxy; NO_PROXY naming the API's host sends directly."""
    api, proxy = servers(), servers()
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    Client(api.url).post(BODY, JSON_TYPE)
    assert (len(proxy.requests), len(api.requests)) == (1, 0)

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    Client(api.url).post(BODY, JSON_TYPE)
    assert (len(proxy.requests), len(api.requests)) == (1, 1)


def test_the_environment_is_resolved_once_a_second_and_a_change_is_seen_after(servers, monkeypatch):
    """A burst of posts resolves the environment once; a proxy set meanwhile is used from the next second on."""
    api, proxy = servers(), servers()
    clock = Clock()
    client = Client(api.url, clock=clock)
    resolved = []
    real = client._session.merge_environment_settings
    monkeypatch.setattr(client._session, "merge_environment_settings",
                        lambda *args: resolved.append(args) or real(*args))
    for _ in range(5):
        client.post(BODY, JSON_TYPE)
        clock.now += 0.1
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    client.post(BODY, JSON_TYPE)  # 0.5 s after the reading: still the one without the proxy
    assert (len(resolved), len(api.requests), len(proxy.requests)) == (1, 6, 0)

    clock.now += client_mod.ENVIRONMENT_SECONDS
    client.post(BODY, JSON_TYPE)
    assert (len(resolved), len(api.requests), len(proxy.requests)) == (2, 6, 1)


def test_netrc_credentials_for_the_api_host_are_sent_as_requests_sends_them(servers, monkeypatch, tmp_path):
    """A .netrc entry for the API's host adds Basic authorization, as requests.post would."""
    api = servers()
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login studio password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    Client(api.url).post(BODY, JSON_TYPE)
    assert api.requests[0].headers["authorization"].startswith("Basic ")


def test_a_cookie_the_server_sets_is_sent_back_with_the_next_request(servers):
    """A load balancer's cookie (Set-Cookie) comes back on the following request, as with a requests Session."""
    answers = iter([http_response(200, ok_json().split(b"\r\n\r\n", 1)[1], headers={"Set-Cookie": "lb=node-3"}),
                    ok_json()])
    api = servers(lambda request: next(answers))
    client = Client(api.url)
    client.post(BODY, JSON_TYPE)
    client.post(BODY, JSON_TYPE)
    assert "cookie" not in api.requests[0].headers
    assert api.requests[1].headers["cookie"] == "lb=node-3"


def test_the_bodies_of_consecutive_posts_are_their_own(servers):
    """Each post sends its own body and length, never a previous one's."""
    api = servers()
    client = Client(api.url)
    for body in (BODY, b'{"short":1}', BODY + b" "):
        client.post(body, JSON_TYPE)
    assert [r.body for r in api.requests] == [BODY, b'{"short":1}', BODY + b" "]
    assert [r.headers["content-length"] for r in api.requests] == [str(len(BODY)), "11", str(len(BODY) + 1)]


@pytest.fixture
def tls_server(tmp_path):
    """A loopback HTTPS server with a certificate from a test CA; yields (url, the CA's bundle path)."""
    pytest.importorskip("trustme")
    with servers_mod.tls_server(tmp_path) as found:
        yield found


def test_requests_ca_bundle_from_the_environment_is_trusted(tls_server, monkeypatch):
    """REQUESTS_CA_BUNDLE naming the CA makes the certificate trusted (TLS works; the empty 200 is not our answer)."""
    url, bundle = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    with pytest.raises(UnexpectedAnswerError):
        Client(url).post(BODY, JSON_TYPE)


def test_the_ca_bundle_setting_wins_over_the_environment_s(tls_server, monkeypatch, tmp_path):
    """A CA bundle set in RenderTally's settings is used even when REQUESTS_CA_BUNDLE names another."""
    url, bundle = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(UnexpectedAnswerError):
        Client(url, ca_bundle=str(bundle)).post(BODY, JSON_TYPE)
