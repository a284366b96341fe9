"""Fixtures for the tests on the running cluster (`make cluster`): see tests_cluster/README.md.

These tests drive real processes (nginx, two gunicorn nodes, a PostgreSQL primary and replica)
over HTTP and SQL; they use no Django test database, so they run with ``-p no:django``.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

_spec = importlib.util.spec_from_file_location("cluster", ROOT / "scripts" / "cluster.py")
cluster_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cluster_module)

from client import Browser  # noqa: E402


def pytest_report_header(config):
    return f"cluster: {cluster_module.PORTAL_URL} (nodes {cluster_module.NODE_PORTS})"


@pytest.fixture(scope="session")
def cluster():
    """The running cluster's module (scripts/cluster.py); brings it up if nginx does not answer."""
    if not cluster_module.http_ok(f"{cluster_module.PORTAL_URL}healthz"):
        cluster_module.up()
    return cluster_module


#: Made once per run on the primary, as `manage.py shell` would: an editor and a viewer with a
#: logged-in session each (a login form would count against the login throttle on every run).
ACCOUNTS = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
out = {}
accounts = (("drill_editor", ["viewer", "analyst", "editor"], True), ("drill_viewer", ["viewer", "analyst"], False))
for name, roles, staff in accounts:
    user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": staff})
    user.groups.set(Group.objects.filter(name__in=roles))
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                    HASH_SESSION_KEY: user.get_session_auth_hash()})
    session.create()
    out[name] = session.session_key
print(json.dumps(out))
"""


@pytest.fixture(scope="session")
def sessions(cluster):
    result = cluster.manage(
        "shell", "--no-imports", "-c", ACCOUNTS, env=cluster.portal_env(replica=False), capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def editor(cluster, sessions):
    return Browser(cluster.PORTAL_URL, sessionid=sessions["drill_editor"])


@pytest.fixture
def viewer(cluster, sessions):
    return Browser(cluster.PORTAL_URL, sessionid=sessions["drill_viewer"])


def replica_caught_up(cluster) -> bool:
    lsn = cluster.psql("SELECT pg_current_wal_lsn()")
    return cluster.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", port=cluster.REPLICA_PORT) == "t"


@pytest.fixture
def replica_running(cluster):
    """The replica is up and replaying when the test starts and again when it ends."""
    cluster.pg_start(cluster.REPLICA_DIR, cluster.REPLICA_PORT, "pg-replica")
    cluster.psql("SELECT pg_wal_replay_resume()", port=cluster.REPLICA_PORT)
    yield
    cluster.pg_start(cluster.REPLICA_DIR, cluster.REPLICA_PORT, "pg-replica")
    cluster.psql("SELECT pg_wal_replay_resume()", port=cluster.REPLICA_PORT)


@pytest.fixture(autouse=True)
def nodes_running(cluster):
    """Both nodes up at the start and the end of every test, whatever it stopped."""
    for port in cluster.NODE_PORTS:
        cluster.start_node(port)
    yield
    for port in cluster.NODE_PORTS:
        cluster.start_node(port)


RESULTS = ROOT / "artifacts" / "cluster-results.txt"


def pytest_sessionstart(session):
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("")


def print_counts(label: str, text: str) -> None:
    """The counts a test reports: printed (`pytest -s`) and kept in artifacts/cluster-results.txt."""
    line = f"[cluster] {label}: {text}"
    print(f"\n{line}", flush=True)
    with RESULTS.open("a") as results:
        results.write(line + "\n")
