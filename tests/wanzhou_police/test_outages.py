"""Outage records: one log line when a dependency goes down, one when it is back, quiet in between."""

import logging

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
