"""Outage records: one log line when a dependency goes down, one when it is back, quiet in between."""

import logging
import threading
import time

from wanzhou_police.outages import Outage


def test_outage_logs_the_first_failure_of_an_incident_only(caplog):
    outage = Outage("database", retry_seconds=60)
    assert outage.failed(ConnectionError("refused")) is True
    assert outage.failed(ConnectionError("refused")) is False
    assert outage.is_down
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.getMessage() for record in errors] == ["database unavailable: refused"]
    assert errors[0].exc_info is not None


def test_outage_waits_the_retry_interval_before_trying_again():
    outage = Outage("cache", retry_seconds=60)
    assert outage.should_try()
    outage.failed(ConnectionError("refused"))
    assert not outage.should_try()
    assert Outage("cache", retry_seconds=0).should_try()


def test_outage_logs_its_end_once_and_a_new_incident_again(caplog):
    caplog.set_level(logging.INFO, logger="wanzhou_police.outages")
    outage = Outage("cache", retry_seconds=0)
    outage.recovered()
    outage.failed(ConnectionError("refused"))
    outage.recovered()
    outage.recovered()
    outage.failed(ConnectionError("refused again"))
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "cache unavailable: refused"
    assert messages[1].startswith("cache available again after ")
    assert messages[2] == "cache unavailable: refused again"
    assert len(messages) == 3


def wait_until(condition, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_outage_with_a_probe_tries_it_in_the_background_until_it_answers(caplog):
    caplog.set_level(logging.INFO, logger="wanzhou_police.outages")
    answers = [ConnectionError("no answer"), ConnectionError("no answer"), None]
    calls = []

    def probe():
        calls.append(threading.current_thread().name)
        if error := answers[len(calls) - 1]:
            raise error

    outage = Outage("database", retry_seconds=0.05, probe=probe)
    outage.failed(ConnectionError("no answer"))
    assert outage.is_down
    assert wait_until(lambda: not outage.is_down)
    assert calls == ["database probe"] * 3
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "database unavailable: no answer"
    assert messages[1].startswith("database available again after ")
    assert len(messages) == 2


def test_outage_runs_one_prober_however_many_requests_fail():
    release = threading.Event()
    outage = Outage("database", retry_seconds=0.01, probe=release.wait)
    failing = [threading.Thread(target=outage.failed, args=(ConnectionError("no answer"),)) for _ in range(20)]
    for thread in failing:
        thread.start()
    for thread in failing:
        thread.join()
    time.sleep(0.1)  # the prober is now inside the probe, which waits for `release`
    assert [thread.name for thread in threading.enumerate()].count("database probe") == 1
    release.set()
    assert wait_until(lambda: not outage.is_down)


def test_outage_that_returns_after_recovery_gets_a_new_prober():
    up = threading.Event()

    def probe():
        if not up.is_set():
            raise ConnectionError("no answer")

    outage = Outage("database", retry_seconds=0.01, probe=probe)
    for _ in range(2):
        up.clear()
        outage.failed(ConnectionError("no answer"))
        time.sleep(0.05)
        assert outage.is_down
        up.set()
        assert wait_until(lambda: not outage.is_down)
