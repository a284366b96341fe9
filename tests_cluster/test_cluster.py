"""The portal past one machine, tested on the running cluster (`make cluster`, scripts/cluster.py).

Each test prints the counts it measured (requests sent, answered, lost, served stale) and
keeps them in artifacts/cluster-results.txt; .ci/run shows them.
"""

import os
import signal
import subprocess
import time
import uuid

import pytest
from client import Browser, normalised
from conftest import print_counts, replica_caught_up
from load import Load

FIGURE = 1  # stability.permitted_event_plans in the 2021 report, shown on its section page
FIGURE_FORM = f"/admin/metrics/figure/{FIGURE}/change/"
SECTION_EN = "/en/reports/2021/stability/"
PAGES = ["/reports/2021/", "/reports/2021/stability/", "/reports/2021/mediation/", "/healthz"]


def node(cluster, index: int) -> str:
    return f"http://127.0.0.1:{cluster.NODE_PORTS[index]}"


def rename(editor: Browser, *, base: str, label: str) -> str:
    """Give the figure a new English name through the admin's form on ``base``; the name."""
    name = f"Security plans for permitted events ({label} {uuid.uuid4().hex[:8]})"
    page = editor.submit(FIGURE_FORM, {"name_en": name, "change_reason": f"cluster test: {label}"}, base=base)
    assert page.status == 302, page.body[:2000]
    return name


def wait_until(check, *, seconds: float, step: float = 0.05) -> float:
    """Seconds until ``check()`` held; fails past ``seconds``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(step)
    return time.monotonic() - started


def test_edit_through_node_a_is_seen_through_nginx_and_every_node(cluster, editor, viewer, replica_running):
    name = rename(editor, base=node(cluster, 0), label="edit on node A")
    # The editor's own next request, through nginx to whichever node: read from the primary.
    assert name in editor.get(SECTION_EN).body
    # Everyone else reads from the replica: it has the edit once it has replayed it, milliseconds.
    replay = wait_until(lambda: replica_caught_up(cluster), seconds=5)
    seen = {
        base: name in viewer.get(SECTION_EN, base=base).body
        for base in (cluster.PORTAL_URL, *map(lambda i: node(cluster, i), (0, 1)))
    }
    assert all(seen.values()), seen
    print_counts(
        "edit on node A",
        "seen by the editor at once, by a viewer on nginx and both nodes after the replica's replay "
        f"({replay * 1000:.0f} ms)",
    )


def test_editor_reads_own_edit_while_replica_lags(cluster, editor, viewer, replica_running):
    before = rename(editor, base=node(cluster, 1), label="before the pause")
    wait_until(lambda: replica_caught_up(cluster), seconds=5)
    assert before in viewer.get(SECTION_EN).body
    cluster.psql("SELECT pg_wal_replay_pause()", port=cluster.REPLICA_PORT)
    paused_at = time.monotonic()
    name = rename(editor, base=node(cluster, 0), label="during the pause")
    assert not replica_caught_up(cluster)
    # The editor: at once, from every node and through nginx, their own edit.
    editor_reads = [
        name in editor.get(SECTION_EN, base=base).body
        for base in (cluster.PORTAL_URL, node(cluster, 0), node(cluster, 1))
    ]
    assert editor_reads == [True, True, True]
    # A viewer within the lag limit reads the replica's page: the edit is not there yet.
    stale = sum(before in viewer.get(SECTION_EN).body for _ in range(5))
    lag_limit = 5
    assert time.monotonic() - paused_at < lag_limit - 1
    # Past the lag limit (plus one probe interval) the nodes read from the primary.
    time.sleep(max(0, paused_at + lag_limit + 1.5 - time.monotonic()))
    fresh = sum(name in viewer.get(SECTION_EN).body for _ in range(5))
    assert fresh == 5
    cluster.psql("SELECT pg_wal_replay_resume()", port=cluster.REPLICA_PORT)
    print_counts(
        "read-your-writes while replay paused",
        f"editor: 3 of 3 reads saw the edit at once; viewer within the {lag_limit} s lag limit: {stale} of 5 reads "
        f"served stale (the replica's page, as allowed); viewer past the limit: {fresh} of 5 from the primary",
    )


def test_rolling_restart_under_load_loses_no_request(cluster, sessions, nodes_running):
    urls = [cluster.PORTAL_URL.rstrip("/") + path for path in PAGES]
    with Load(urls, cookie=f"sessionid={sessions['drill_viewer']}", connections=4) as load:
        time.sleep(1)
        cluster.rolling_restart()  # each node stopped (graceful), started, healthy, taken back by nginx
        time.sleep(1)
        tally = load.stop()
    print_counts("rolling restart of both nodes under load", tally.summary())
    assert tally.sent > 100
    assert tally.lost == 0, tally.summary()


def test_hard_kill_of_one_node_is_routed_around(cluster, sessions, nodes_running):
    urls = [cluster.PORTAL_URL.rstrip("/") + path for path in PAGES]
    victim = cluster.NODE_PORTS[0]
    with Load(urls, cookie=f"sessionid={sessions['drill_viewer']}", connections=4) as load:
        time.sleep(1)
        os.killpg(cluster.recorded(cluster.node_name(victim)), signal.SIGKILL)
        time.sleep(0.5)
        at_kill = load.tally.sent, load.tally.lost
        time.sleep(3)
        tally = load.stop()
    cluster.stop_recorded(cluster.node_name(victim))
    after = tally.sent - at_kill[0], tally.lost - at_kill[1]
    print_counts(
        "SIGKILL of node A under load",
        f"{tally.summary()}; in the 0.5 s around the kill {at_kill[1]} lost; "
        f"afterwards {after[0]} sent, {after[1]} lost",
    )
    assert after[0] > 20 and after[1] == 0
    # What GETs were in flight on the killed node, nginx resent to the other (proxy_next_upstream).
    assert tally.lost <= 4


def test_stopping_the_replica_sends_reads_to_the_primary(cluster, sessions, replica_running):
    urls = [cluster.PORTAL_URL.rstrip("/") + path for path in PAGES[:3]] + [
        cluster.PORTAL_URL.rstrip("/") + "/metrics/?year=2021"
    ]
    with Load(urls, cookie=f"sessionid={sessions['drill_viewer']}", connections=3) as load:
        time.sleep(1)
        cluster.pg_stop(cluster.REPLICA_DIR, "pg-replica")
        time.sleep(3)
        health = [Browser(base, sessionid="").get("/healthz").body for base in (node(cluster, 0), node(cluster, 1))]
        during = load.tally.sent
        cluster.pg_start(cluster.REPLICA_DIR, cluster.REPLICA_PORT, "pg-replica")
        restarted = time.monotonic()
        back = wait_until(
            lambda: all("replica: ok" in Browser(node(cluster, i), sessionid="").get("/healthz").body for i in (0, 1)),
            seconds=15,
            step=0.2,
        )
        time.sleep(2)
        tally = load.stop()
    assert all("replica: unavailable" in body for body in health), health
    # After the restart the nodes read from it again: their connections there ran page queries.
    reading = cluster.psql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'wanzhou' AND backend_type = 'client backend' "
        "AND query NOT LIKE '%pg_is_in_recovery%' AND query NOT LIKE '%pg_stat_activity%' AND query <> ''",
        port=cluster.REPLICA_PORT,
    )
    print_counts(
        "replica stopped and started under load",
        f"{tally.summary()} ({during} sent before the restart); healthz said 'replica: unavailable' on both nodes; "
        f"back in use {back:.1f} s after it accepted connections; {reading} node connections on it ran page queries",
    )
    assert tally.lost == 0, tally.summary()
    assert int(reading) > 0
    assert time.monotonic() - restarted < 20


TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


def table_rows(cluster, dbname: str, table: str) -> str:
    """Every row of ``table``, as text, in a fixed order: compared byte for byte between databases."""
    return cluster.psql(f'SELECT t::text FROM "{table}" t ORDER BY t::text', dbname=dbname)


@pytest.mark.parametrize("restored", ["wanzhou_restored"])
def test_backup_and_restore_drill(cluster, sessions, editor, restored):
    rename(editor, base=cluster.PORTAL_URL, label="before the backup")
    assert editor.get("/reports/").status == 200  # shows (and so clears) the admin's "changed" message
    cluster.psql(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
    dump = cluster.backup()
    assert (dump.parent / f"{dump.name}.sha256").read_text().split()[1] == dump.name
    cluster.restore(dump, restored)
    tables = cluster.psql(TABLES_SQL, dbname="wanzhou").split()
    assert cluster.psql(TABLES_SQL, dbname=restored).split() == tables
    counts, differing = {}, []
    for table in tables:
        original = table_rows(cluster, "wanzhou", table)
        if original != table_rows(cluster, restored, table):
            differing.append(table)
        counts[table] = len(original.splitlines()) if original else 0
    assert differing == []
    for table in (
        "metrics_figure",
        "metrics_historicalfigure",
        "auth_user",
        "auth_group",
        "auth_group_permissions",
        "django_session",
    ):
        assert counts[table] > 0, table
    # The restored database behind a node of its own (no replica, its own in-process cache) serves the same pages.
    port = cluster.NGINX_PORT + 9
    env = cluster.portal_env(database_url=cluster.url(dbname=restored), replica=False)
    env.update(
        CACHE_URL="",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_CONTROL_SOCKET="off",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    process = subprocess.Popen(
        [cluster.GUNICORN, "--config", cluster.ROOT / "wanzhou_police" / "gunicorn.conf.py"],
        cwd=cluster.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: cluster.http_ok(f"http://127.0.0.1:{port}/healthz"), seconds=20, step=0.2)
        paths = [
            "/reports/2021/",
            "/reports/2021/stability/",
            "/en/reports/2021/stability/",
            "/reports/2021/mediation/",
            "/reports/2021/text/",
            "/metrics/?year=2021",
            "/metrics/?year=2021&_export=csv",
            "/admin/metrics/figure/1/history/",
        ]
        same = []
        for path in paths:
            a = editor.get(path)
            b = editor.get(path, base=f"http://127.0.0.1:{port}")
            assert a.status == b.status == 200, (path, a.status, b.status)
            same.append(normalised(a.body) == normalised(b.body))
            if not same[-1]:
                keep = cluster.ROOT / "artifacts" / "restore-drill"
                keep.mkdir(parents=True, exist_ok=True)
                slug = path.strip("/").replace("/", "_").replace("?", "_")
                (keep / f"{slug}.original.html").write_text(a.body)
                (keep / f"{slug}.restored.html").write_text(b.body)
        assert all(same), dict(zip(paths, same, strict=True))
    finally:
        process.terminate()
        process.wait(timeout=30)
    print_counts(
        "restore drill",
        f"{dump.name} ({dump.stat().st_size} bytes, sha256 checked); {len(tables)} tables compared row by row, "
        f"{sum(counts.values())} rows, 0 differ (figures {counts['metrics_figure']}, figure history "
        f"{counts['metrics_historicalfigure']}, users {counts['auth_user']}, roles {counts['auth_group']} with "
        f"{counts['auth_group_permissions']} permissions, sessions {counts['django_session']}); "
        f"{len(paths)} pages identical from the restored database",
    )
