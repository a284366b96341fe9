"""The operational endpoint /healthz: no login, no session written, 503 when the database fails."""

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login_and_writes_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
