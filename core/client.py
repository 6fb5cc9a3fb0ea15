"""The HTTP client: the only module that imports ``requests``.

Every foreign exception is translated here, once, into the RenderTally tree, and every HTTP
answer is sorted into the outcome policy of DESIGN.md: the answer (delivered or a Code other than
"00"), or one of :class:`RetryableError`, :class:`RejectedError`, :class:`RedirectError`.
"""
from __future__ import annotations

import dataclasses
import email.utils
import logging
import time
from typing import Any, Callable

import requests
import urllib3

from . import __version__
from .deadline import Watchdog
from .endpoint import endpoint_url
from .errors import (
    CredentialsRejectedError,
    RedirectError,
    RejectedError,
    RetryableError,
    ServerBusyError,
    TransportError,
    UnexpectedAnswerError,
)
from .wire import MAX_ANSWER_BYTES, Answer, parse_answer

log = logging.getLogger(__name__)

RETRY_AFTER_CAP = 6 * 3600.0
# What requests takes from the environment for each request (proxies and NO_PROXY, the system's
# proxy settings, REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, ~/.netrc) is resolved with requests' own
# functions, but at most this often: resolving it scans the whole environment twice and reads
# ~/.netrc, which cost more than the rest of a request. One job per render sees a fresh reading
# each time; a backlog being flushed, one per second.
ENVIRONMENT_SECONDS = 1.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP-date), clamped; None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


class Client:
    """Posts wire bodies to the API over one ``requests.Session`` (connections are reused)."""

    def __init__(
        self,
        base_url: str,
        *,
        ca_bundle: str | None = None,
        proxy: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        deadline: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = endpoint_url(base_url)
        self.timeout = (connect_timeout, read_timeout)
        self.deadline = deadline
        self._clock = clock
        self._resolved_at: float | None = None
        self._environment: dict[str, Any] = {}
        self._templates: dict[str, requests.PreparedRequest] = {}
        self._session = requests.Session()
        self._session.mount("https://", _DeadlineAdapter())
        self._session.mount("http://", _DeadlineAdapter())
        # certifi's bundle (requests' default) unless the studio names its own CA bundle. Passed
        # per request: requests lets REQUESTS_CA_BUNDLE override a Session's verify setting.
        self._verify: str | bool = ca_bundle or True
        if proxy:
            self._session.proxies = {"http": proxy, "https": proxy}
        self._session.headers["User-Agent"] = f"RenderTally/{__version__}"

    def close(self) -> None:
        self._session.close()

    def post(self, body: bytes, content_type: str) -> Answer:
        """Send one body; return the API's "00" answer or raise a :class:`DeliveryError`."""
        started = time.monotonic()
        watchdog = Watchdog(self.deadline)
        try:
            with watchdog:
                request, environment = self._prepare(body, content_type)
                response = self._session.send(
                    request,
                    timeout=self.timeout,
                    allow_redirects=False,  # a redirect must never carry the Key elsewhere
                    stream=True,
                    **environment,
                )
                try:
                    payload = self._read(response, started)
                finally:
                    response.close()
                if "Set-Cookie" in response.headers:
                    self._templates.clear()  # the next request carries the session's new cookies
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
            if watchdog.fired:
                raise TransportError(f"No complete answer from {self.url} within {self.deadline:g}s") from exc
            raise self._transport_error(exc) from exc
        if watchdog.fired:  # cut mid-headers, http.client may have taken EOF for a short answer
            raise TransportError(f"No complete answer from {self.url} within {self.deadline:g}s")
        return self._outcome(response, payload)

    def _prepare(self, body: bytes, content_type: str) -> tuple[requests.PreparedRequest, dict[str, Any]]:
        """The request ``Session.post`` would build, from a template made the way it makes one
        (session headers, cookies, .netrc), and the environment's settings it would merge in."""
        now = self._clock()
        if self._resolved_at is None or now - self._resolved_at >= ENVIRONMENT_SECONDS:
            settings = self._session.merge_environment_settings(self.url, {}, True, self._verify, None)
            self._environment = {name: settings[name] for name in ("proxies", "verify", "cert")}
            self._templates.clear()  # .netrc is read again with the next template
            self._resolved_at = now
        template = self._templates.get(content_type)
        if template is None:
            accept = content_type.split(";", maxsplit=1)[0]
            template = self._session.prepare_request(
                requests.Request("POST", self.url, headers={"Content-Type": content_type, "Accept": accept}))
            self._templates[content_type] = template
        request = template.copy()
        request.prepare_body(body, None)
        return request, self._environment

    def _transport_error(self, exc: Exception) -> TransportError:
        if isinstance(exc, requests.exceptions.SSLError):
            return TransportError(f"TLS failed for {self.url}: {_reason(exc)}")
        if isinstance(exc, requests.exceptions.Timeout):
            return TransportError(f"No answer from {self.url} in time: {_reason(exc)}")
        if isinstance(exc, requests.exceptions.ProxyError):
            return TransportError(f"The proxy refused the connection: {_reason(exc)}")
        return TransportError(f"Could not reach {self.url}: {_reason(exc)}")

    def probe(self) -> int:
        """GET the endpoint without credentials (it answers 405 or similar): proves DNS, TLS and
        HTTP work without posting a job. Returns the HTTP status."""
        return self.probe_answer()[0]

    def probe_answer(self) -> tuple[int, str]:
        """:meth:`probe`, with the start of the answer's body (to tell the API's 405 from another's)."""
        try:
            response = self._session.get(self.url, timeout=self.timeout, verify=self._verify,
                                         allow_redirects=False, stream=True)
            try:
                head = response.raw.read(2048, decode_content=True) or b""
            finally:
                response.close()
        except requests.exceptions.RequestException as exc:
            raise TransportError(f"Could not reach {self.url}: {_reason(exc)}") from exc
        return response.status_code, head.decode("utf-8", errors="replace")

    def _read(self, response: requests.Response, started: float) -> bytes:
        # requests' read timeout is per socket read: a server that trickles bytes never trips it,
        # so the body is read as it arrives (read1: whatever one recv gives) against an overall
        # deadline and a size cap. urllib3 1.x has no read1: fall back to a byte at a time.
        raw = response.raw
        read1 = getattr(raw, "read1", None)
        chunks, size = [], 0
        while True:
            chunk = read1(4096, decode_content=True) if read1 else raw.read(1, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                break
            if time.monotonic() - started > self.deadline:
                raise TransportError(f"The answer from {self.url} took longer than {self.deadline:g}s")
        return b"".join(chunks)

    def _outcome(self, response: requests.Response, payload: bytes) -> Answer:
        status = response.status_code
        ctype = response.headers.get("Content-Type", "")
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            raise RedirectError(
                f"The API URL answered {status} (redirect to {location or 'nowhere'}); the Key is "
                "never sent to a redirect: set the API URL to the final address",
                status=status,
                location=location,
            )
        if status in (401, 403):
            raise CredentialsRejectedError(
                f"The server refused the credentials ({status}): check the Id and Key",
                status=status,
                description=_words(payload, ctype),
            )
        if status in (408, 429) or status >= 500:
            raise ServerBusyError(
                f"The server answered {status}: {_words(payload, ctype) or response.reason}",
                status=status,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status in (404, 405):
            raise RedirectError(
                f"The API URL answered {status}: {self.url} is not the job-data endpoint; check the API URL",
                status=status,
            )
        if status >= 400:
            words = _words(payload, ctype)
            raise RejectedError(f"The server rejected the job ({status}): {words}", status=status, description=words)
        if not 200 <= status < 300:
            raise UnexpectedAnswerError(f"Unexpected HTTP status {status}", status=status)
        try:
            answer = parse_answer(payload, ctype)
        except RetryableError as exc:
            exc.status = status
            raise
        answer = dataclasses.replace(answer, status=status)
        if not answer.ok:
            raise RejectedError(
                f"The server rejected the job: {answer.code} {answer.description}",
                status=status,
                code=answer.code,
                description=answer.description,
            )
        return answer


class _WatchedHTTP(urllib3.connection.HTTPConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        Watchdog.watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPS(urllib3.connection.HTTPSConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        Watchdog.watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


class _DeadlineAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, with connections the :class:`Watchdog` can cut (direct or via a proxy)."""

    _pools = {"http": _WatchedPool, "https": _WatchedHTTPSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pools)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers bring their own connections
            manager.pool_classes_by_scheme = dict(self._pools)
        return manager


def _reason(exc: Exception) -> str:
    # urllib3 nests the cause several levels deep; the innermost one names it best.
    cause: BaseException = exc
    while cause.__cause__ is not None or (cause.args and isinstance(cause.args[0], BaseException)):
        cause = cause.__cause__ or cause.args[0]
    return str(cause) or type(cause).__name__


def _words(payload: bytes, content_type: str) -> str:
    """The server's own words from an error body, whatever its shape."""
    try:
        answer = parse_answer(payload, content_type)
        return f"{answer.code} {answer.description}".strip()
    except RejectedError as exc:
        return str(exc)
    except RetryableError:
        text = payload.decode("utf-8", errors="replace")
        if "<html" in text.lower():
            return "an HTML error page"
        return " ".join(text.split())[:200]
