"""The sender: outcome policy, backoff, pause on refused credentials, bounded flush."""
from __future__ import annotations

import json
import threading
import time

import pytest

from rendertally.core import settings
from rendertally.core.outbox import DELIVERED, PENDING, REJECTED, Outbox
from rendertally.core.sender import Backoff, Sender
from rendertally.core.transport import Transport

from ..conftest import SECRET_KEY
from ..servers import ScriptedServer, http_response, ok_json


@pytest.fixture
def server():
    """A scripted API; tests set ``server.respond``."""
    with ScriptedServer(lambda request: ok_json()) as srv:
        yield srv


@pytest.fixture
def make_sender(tmp_path, server, credentials_env):
    """Factory: a sender on a fresh outbox, pointed at the scripted server."""
    made = []

    def make(**kwargs):
        credentials_env(server.url)
        box = Outbox(tmp_path / "outbox.sqlite3")
        sender = Sender(box, Transport(read_timeout=2, deadline=3), **kwargs)
        made.append(sender)
        return sender, box

    yield make
    for sender in made:
        sender.stop(1)
        sender.outbox.close()


def test_delivered_rows_keep_the_answer(make_sender, make_job):
    """A 00 answer marks the row delivered with Code and Description."""
    sender, box = make_sender()
    row_id = box.submit(make_job())
    assert sender.send_due() == 1
    row = box.get(row_id)
    assert (row.state, row.code, row.description, row.http_status) == (DELIVERED, "00", "Job data recorded.", 200)


def test_oldest_first(make_sender, make_job, server):
    """Jobs go out in the order they were recorded."""
    sender, box = make_sender()
    for frames in (1, 2, 3):
        box.submit(make_job(frames=frames))
    sender.send_due()
    frames = [int(__import__("json").loads(r.body)["Request"]["Frames"]) for r in server.requests]
    assert frames == [1, 2, 3]


def test_a_rejection_is_kept_and_the_pass_goes_on(make_sender, make_job, server):
    """A Code other than 00 rejects that job only; later jobs still go."""
    sender, box = make_sender()
    answers = iter([ok_json("02", "Frames invalid"), ok_json()])
    server.respond = lambda request: next(answers)
    bad, good = box.submit(make_job()), box.submit(make_job())
    sender.send_due()
    assert (box.get(bad).state, box.get(bad).code) == (REJECTED, "02")
    assert box.get(good).state == DELIVERED
    sender.send_due()
    assert len(server.requests) == 2  # a flush never retries a rejected job


def test_transient_failure_backs_off_and_stops_the_pass(make_sender, make_job, server):
    """A 503 schedules a retry no sooner than Retry-After and leaves the rest for later."""
    sender, box = make_sender(backoff=Backoff(base=1, cap=10))
    server.respond = lambda request: http_response(503, "{}", headers={"Retry-After": "30"})
    first, second = box.submit(make_job()), box.submit(make_job())
    before = time.time()
    sender.send_due()
    row = box.get(first)
    assert (row.state, row.attempts, row.error_kind, row.http_status) == (PENDING, 1, "transient", 503)
    assert row.next_attempt >= before + 30
    assert box.get(second).attempts == 0
    assert len(server.requests) == 1


def test_backoff_grows_is_capped_and_jittered():
    """Delays double per attempt up to the cap, with jitter in [50%, 100%]."""
    backoff = Backoff(base=10, cap=100)
    for attempts, full in ((1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (30, 100)):
        delays = [backoff.delay(attempts) for _ in range(50)]
        assert all(full * 0.5 <= d <= full for d in delays)
    assert backoff.delay(1, floor=500) == 500


def test_refused_credentials_pause_sending_until_they_change(make_sender, make_job, server, monkeypatch):
    """After a 401 nothing more is sent with the same credentials; new ones resume."""
    sender, box = make_sender()
    server.respond = lambda request: http_response(401, '{"Message":"Authorization has been denied."}')
    first, second = box.submit(make_job()), box.submit(make_job())
    sender.send_due()
    assert (box.get(first).state, box.get(first).error_kind) == (REJECTED, "credentials")
    assert sender.send_due() == 0
    assert "paused" in sender.last_error
    assert len(server.requests) == 1
    server.respond = lambda request: ok_json()
    monkeypatch.setenv("RENDERTALLY_KEY", "a-new-key")
    assert sender.send_due() == 1
    assert box.get(second).state == DELIVERED


def test_the_pause_outlives_the_process_and_never_stores_the_key(make_sender, make_job, server, tmp_path):
    """A pause set by one sender stops a later one with the same credentials; its file holds no Key."""
    sender, box = make_sender()
    server.respond = lambda request: http_response(401, '{"Message":"Authorization has been denied."}')
    box.submit(make_job())
    sender.send_due()
    pause_file = tmp_path / "paused.json"
    assert pause_file.is_file() and SECRET_KEY not in pause_file.read_text()
    later, later_box = make_sender()  # another process's sender on the same home
    later_box.submit(make_job())
    server.respond = lambda request: ok_json()
    assert later.send_due() == 0
    assert "refused the Id/Key on" in later.last_error and "outbox retry --rejected" in later.last_error
    later.pause.clear()
    assert later.send_due() == 1


def test_missing_credentials_block_without_spending_attempts(make_sender, make_job, server, monkeypatch):
    """With no Key nothing is claimed or sent, and the reason is kept for people."""
    sender, box = make_sender()
    monkeypatch.delenv("RENDERTALLY_KEY")
    row_id = box.submit(make_job())
    assert sender.send_due() == 0
    assert box.get(row_id).attempts == 0
    assert "No Key configured" in sender.last_error
    assert server.requests == []


def test_not_our_answer_is_retried_and_surfaced(make_sender, make_job, server, caplog):
    """A 2xx proxy page is retried; after a few tries it is logged as an error."""
    sender, box = make_sender(backoff=Backoff(base=0.01, cap=0.01))
    server.respond = lambda request: http_response(200, "<html>proxy</html>", content_type="text/html")
    row_id = box.submit(make_job())
    for _ in range(3):
        box.make_due()
        sender.send_due()
    row = box.get(row_id)
    assert (row.state, row.attempts, row.error_kind) == (PENDING, 3, "unexpected")
    assert any(r.levelname == "ERROR" and "not the API's answer" in r.message for r in caplog.records)


def test_redirect_is_kept_with_a_long_wait(make_sender, make_job, server):
    """A 3xx keeps the job pending as a configuration problem, waiting at least 10 minutes."""
    sender, box = make_sender()
    server.respond = lambda request: http_response(302, "", headers={"Location": "https://elsewhere.example/"})
    row_id = box.submit(make_job())
    sender.send_due()
    row = box.get(row_id)
    assert (row.state, row.error_kind) == (PENDING, "configuration")
    assert row.next_attempt >= time.time() + 590


def test_flush_is_bounded_when_the_api_hangs(make_sender, make_job, server):
    """flush(timeout) returns in about timeout even if the request is stuck; the job stays."""
    sender, box = make_sender()
    server.respond = lambda request: server.hang
    row_id = box.submit(make_job())
    started = time.monotonic()
    assert sender.flush(0.5) is False
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"flush took {elapsed:.2f}s"
    assert box.get(row_id).state == PENDING


def test_background_thread_delivers_after_submit(make_sender, make_job):
    """Submitting wakes the thread; flush waits for the pass."""
    sender, box = make_sender()
    box.on_submit(sender.wake)
    sender.start()
    row_id = box.submit(make_job())
    assert sender.flush(5) is True
    assert box.get(row_id).state == DELIVERED


def test_flush_force_sends_jobs_waiting_for_their_retry(make_sender, make_job, server):
    """A person's 'send now' ignores the backoff schedule."""
    sender, box = make_sender()
    row_id = box.submit(make_job())
    box.claim(60)
    box.mark_retry(row_id, "earlier failure", kind="transient", next_attempt=time.time() + 3600)
    assert sender.flush(5) is True
    assert box.get(row_id).state == PENDING
    assert sender.flush(5, force=True) is True
    assert box.get(row_id).state == DELIVERED


def test_settings_changes_apply_to_the_next_attempt(make_sender, make_job, server, tmp_path):
    """The format in force at send time is used (XML after switching)."""
    sender, box = make_sender()
    settings.save({"format": "xml"})
    box.submit(make_job())
    sender.send_due()
    assert server.requests[0].headers["content-type"].startswith("application/xml")
    assert SECRET_KEY.encode() in server.requests[0].body


def test_thread_survives_an_unexpected_error(make_sender, make_job, monkeypatch):
    """A bug in one pass is logged; the thread goes on and later passes deliver."""
    sender, box = make_sender()
    calls = {"n": 0}
    real = box.claim_batch

    def flaky(lease, limit):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return real(lease, limit)

    monkeypatch.setattr(box, "claim_batch", flaky)
    monkeypatch.setattr("rendertally.core.sender.ERROR_PAUSE_BASE", 0.2)
    row_id = box.submit(make_job())
    assert sender.flush(5) is True  # the failed pass ends; flush does not hang on it
    assert "tried again in 0.2 s" in sender.last_error
    deadline = time.monotonic() + 5
    while box.get(row_id).state != DELIVERED and time.monotonic() < deadline:
        sender.flush(1)
        time.sleep(0.05)
    assert box.get(row_id).state == DELIVERED
    assert sender._thread.is_alive()


def test_a_pass_that_always_fails_backs_off_instead_of_spinning(make_sender, make_job, monkeypatch, caplog):
    """An error on every pass is retried with growing pauses and one traceback, not in a loop."""
    sender, box = make_sender()
    calls = []

    def broken(lease, limit):
        calls.append(time.monotonic())
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(box, "claim_batch", broken)
    monkeypatch.setattr("rendertally.core.sender.ERROR_PAUSE_BASE", 0.2)
    box.submit(make_job())
    sender.start()
    for _ in range(20):
        sender.wake()
        time.sleep(0.05)
    assert 1 <= len(calls) <= 4, calls  # 1 s of wake-ups: passes at ~0, 0.2, 0.6 s at most
    assert sum("Traceback" in (r.exc_text or "") or r.exc_info is not None for r in caplog.records) == 1


def test_start_right_after_stop_keeps_sending(make_sender, make_job):
    """stop() then start() at once (online access off and on) leaves a working thread."""
    sender, box = make_sender()
    box.on_submit(sender.wake)
    sender.start()
    sender.stop(0)
    sender.start()
    row_id = box.submit(make_job())
    assert sender.flush(5) is True
    assert box.get(row_id).state == DELIVERED


def test_a_flush_claims_in_batches_and_flushes_the_disk_once_per_batch(make_sender, make_job, server, monkeypatch):
    """120 jobs go in batches of 50: every job delivered once, with one durable claim and one durable record per batch."""
    monkeypatch.setattr("rendertally.core.sender.BATCH", 50)
    monkeypatch.setattr("rendertally.core.sender.SETTLE_EVERY", 50)
    sender, box = make_sender()
    ids = [box.submit(make_job(mission_id=f"B-{n}")) for n in range(120)]
    commits = {"full": 0, "normal": 0}

    def counter(kind):
        def trace(sql):
            # A transaction ends at COMMIT; a lone write statement is a transaction of its own.
            if sql == "COMMIT" or (sql.startswith(("UPDATE", "INSERT")) and not in_tx[kind]):
                commits[kind] += 1
            if sql.startswith("BEGIN"):
                in_tx[kind] = True
            elif sql in ("COMMIT", "ROLLBACK"):
                in_tx[kind] = False
        return trace

    in_tx = {"full": False, "normal": False}
    box._db.set_trace_callback(counter("full"))
    box._quick.set_trace_callback(counter("normal"))
    assert sender.send_due() == 120

    assert {box.get(i).state for i in ids} == {DELIVERED}
    assert len(server.requests) == 120
    # 3 batches: a claim and a last record each, then the claim that finds nothing (writes nothing)
    assert commits == {"full": 3 + 3 + 1, "normal": 120 - 3}


def test_a_slow_batch_renews_its_lease_and_skips_a_row_another_sender_took(make_sender, make_job, server, monkeypatch):
    """When a batch outlives its lease, the rest is renewed; a row taken meanwhile by another sender is not sent."""
    clock = {"now": 1_000_000.0}
    sender, box = make_sender(lease=120.0, clock=lambda: clock["now"])
    box._clock = lambda: clock["now"]
    ids = [box.submit(make_job(mission_id=f"S-{n}")) for n in range(4)]
    taken = ids[2:]

    def slow_api(request):
        clock["now"] += 100  # each attempt takes 100 s of the 120 s lease
        if len(server.requests) == 1:  # meanwhile the leases of the last two ran out; another took them
            with box._tx() as db:
                db.executemany("UPDATE jobs SET owner = 'node-9:77:beef', lease_until = ? WHERE id = ?",
                               [(clock["now"] + 500, row_id) for row_id in taken])
        return ok_json()

    server.respond = slow_api
    assert sender.send_due() == 2

    assert [json.loads(r.body)["Request"]["MissionId"] for r in server.requests] == ["S-0", "S-1"]
    assert [box.get(i).state for i in ids] == [DELIVERED, DELIVERED, PENDING, PENDING]
