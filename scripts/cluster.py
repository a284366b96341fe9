"""The portal past one machine, on loopback: PostgreSQL primary and streaming replica, Redis, two
gunicorn nodes and nginx, each our own process with its own data directory and port.

    python scripts/cluster.py up        # `make cluster`: start everything, load the 2021 report, print the URL
    python scripts/cluster.py down      # `make cluster-stop`: stop what `up` started, nothing else
    python scripts/cluster.py backup    # `make backup`: pg_dump -Fc of the primary and its .sha256
    python scripts/cluster.py restore [--dump PATH] [--into DBNAME]   # `make restore`: checksum, then a fresh database
    python scripts/cluster.py status
    python scripts/cluster.py rolling-restart   # each node in turn, no request lost (docs/deploy.md)

Nothing of the machine's own services is touched: PostgreSQL runs from the installed binaries
(PG_BIN) on CLUSTER_PG_PORT and the next port, Redis is the machine's own on 6379 but only
database CLUSTER_REDIS_DB (flushed when the cluster starts), nginx runs with its own prefix and
pid file. Everything lives under var/cluster/ (git-ignored); `down` keeps the data, `up --fresh`
starts from nothing. Every process started is recorded with its pid in var/cluster/pids/ and
`down` signals exactly those. docs/deploy.md describes the shape.
"""

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster"))
PIDS = VAR / "pids"
LOGS = VAR / "logs"
BACKUPS = Path(os.environ.get("BACKUP_DIR", ROOT / "var" / "backups"))
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

PG_PORT = int(os.environ.get("CLUSTER_PG_PORT", "5442"))
REPLICA_PORT = PG_PORT + 1
NGINX_PORT = int(os.environ.get("CLUSTER_PORT", "8200"))
NODE_PORTS = (NGINX_PORT + 1, NGINX_PORT + 2)
# nginx leaves a node that refused a connection out for this long (the upstream's fail_timeout).
NODE_FAIL_TIMEOUT = 5
REDIS_DB = int(os.environ.get("CLUSTER_REDIS_DB", "13"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
DB_NAME = "wanzhou"
APP_USER = "wanzhou"
REPLICATION_USER = "replicator"
WORKERS_PER_NODE = int(os.environ.get("CLUSTER_WORKERS", "2"))
SOURCE_2021 = ROOT.parent / "shared" / "source" / "wanzhou-police-2021-work-report.zh-Hant.txt"

PRIMARY_DIR = VAR / "pg-primary"
REPLICA_DIR = VAR / "pg-replica"
SOCKETS = VAR / "sockets"


def url(port: int = PG_PORT, *, user: str = APP_USER, dbname: str = DB_NAME) -> str:
    return f"postgres://{user}@127.0.0.1:{port}/{dbname}"


PRIMARY_URL = url()
REPLICA_URL = url(REPLICA_PORT)
PORTAL_URL = f"http://127.0.0.1:{NGINX_PORT}/"


def log(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def as_postgres(command: list) -> list[str]:
    """PostgreSQL's server programs refuse to run as root: as root, run them as the postgres user."""
    command = [str(part) for part in command]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def psql(sql: str, *, port: int = PG_PORT, dbname: str = "postgres") -> str:
    """One statement as the superuser over TCP (trust on loopback); its output, unaligned."""
    result = run(
        [PG_BIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", dbname, "-XtAqc", sql],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


# --- processes we started ------------------------------------------------------------


def record(name: str, pid: int) -> None:
    PIDS.mkdir(parents=True, exist_ok=True)
    (PIDS / name).write_text(f"{pid}\n")


def recorded(name: str) -> int | None:
    path = PIDS / name
    if not path.exists():
        return None
    pid = int(path.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        path.unlink()
        return None
    return pid


def stop_recorded(name: str, sig: int = signal.SIGTERM, *, wait: float = 35) -> None:
    """Signal the process recorded as ``name`` and wait until it has gone."""
    pid = recorded(name)
    if pid is None:
        return
    os.kill(pid, sig)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            reaped, _ = os.waitpid(pid, os.WNOHANG) if _is_child(pid) else (0, 0)
            if reaped:
                break
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise SystemExit(f"{name} (pid {pid}) did not stop within {wait} s")
    (PIDS / name).unlink(missing_ok=True)


def _is_child(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[3] == str(os.getpid())
    except OSError:
        return False


def wait_for(check, what: str, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {seconds} s (logs in {LOGS})")


def http_ok(address: str) -> bool:
    try:
        with urllib.request.urlopen(address, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


# --- PostgreSQL ----------------------------------------------------------------------


def pg_ready(port: int) -> bool:
    return subprocess.run([PG_BIN / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0


def pg_start(data: Path, port: int, name: str) -> None:
    if pg_ready(port):
        return
    LOGS.mkdir(parents=True, exist_ok=True)
    logfile = LOGS / f"{name}.log"
    logfile.touch()
    if os.geteuid() == 0:
        shutil.chown(logfile, "postgres")
    run(
        as_postgres([PG_BIN / "pg_ctl", "-D", data, "-l", logfile, "-w", "-t", "60", "start"]),
        stdout=subprocess.DEVNULL,
    )
    record(name, int((data / "postmaster.pid").read_text().split()[0]))
    wait_for(lambda: pg_ready(port), f"PostgreSQL {name} on {port}")


def pg_stop(data: Path, name: str, mode: str = "fast") -> None:
    """pg_ctl stop of our own data directory; never a server we did not initialise."""
    if (data / "postmaster.pid").exists():
        run(as_postgres([PG_BIN / "pg_ctl", "-D", data, "-m", mode, "-w", "stop"]), stdout=subprocess.DEVNULL)
    (PIDS / name).unlink(missing_ok=True)


def own_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def init_primary() -> None:
    own_dir(SOCKETS)
    PRIMARY_DIR.mkdir(parents=True, exist_ok=True)
    own_dir(PRIMARY_DIR)
    log(f"initdb {PRIMARY_DIR}")
    run(
        as_postgres(
            [PG_BIN / "initdb", "-D", PRIMARY_DIR, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
        ),
        stdout=subprocess.DEVNULL,
    )
    settings = f"""
# Ours, for the loopback cluster (scripts/cluster.py)
listen_addresses = '127.0.0.1'
port = {PG_PORT}
unix_socket_directories = '{SOCKETS}'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '256MB'
hot_standby = on
# A long export on the replica is not cancelled by replay for 30 s; replay waits at most that long.
max_standby_streaming_delay = 30s
"""
    with open(PRIMARY_DIR / "postgresql.conf", "a") as conf:
        conf.write(settings)
    pg_start(PRIMARY_DIR, PG_PORT, "pg-primary")
    psql(f"CREATE ROLE {REPLICATION_USER} WITH REPLICATION LOGIN")
    psql(f"CREATE ROLE {APP_USER} WITH LOGIN")
    psql(f"CREATE DATABASE {DB_NAME} OWNER {APP_USER}")


def init_replica() -> None:
    own_dir(REPLICA_DIR)
    log(f"pg_basebackup -R into {REPLICA_DIR}")
    run(
        as_postgres(
            [PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", PG_PORT, "-U", REPLICATION_USER]
            + ["-D", REPLICA_DIR, "-R", "-X", "stream", "-c", "fast"]
        )
    )
    with open(REPLICA_DIR / "postgresql.auto.conf", "a") as conf:
        conf.write(f"port = {REPLICA_PORT}\n")


# --- the portal ----------------------------------------------------------------------


def secret_key() -> str:
    path = VAR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def portal_env(*, database_url: str = PRIMARY_URL, replica: bool = True) -> dict[str, str]:
    """The environment of every node and of the commands run against the cluster."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": REDIS_URL,
        "DJANGO_SECRET_KEY": secret_key(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback; in production DJANGO_HTTPS stays on and nginx terminates TLS.
        "DJANGO_HTTPS": "0",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "wanzhou_police.settings",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    if replica:
        env["DATABASE_REPLICA_URL"] = REPLICA_URL
    return env


def manage(*args, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return run([PY, ROOT / "manage.py", *args], env=env or portal_env(), cwd=ROOT, **kwargs)


def load_report() -> None:
    """`make setup`'s steps, against the cluster's primary."""
    env = portal_env(replica=False)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_report", "wanzhou_2021", env=env, stdout=subprocess.DEVNULL)
    if SOURCE_2021.exists():
        manage("attach_source", "2021", SOURCE_2021, env=env, stdout=subprocess.DEVNULL)
    manage("setup_roles", env=env, stdout=subprocess.DEVNULL)
    manage("ensure_local_admin", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)


def node_name(port: int) -> str:
    return f"node-{port}"


def start_node(port: int) -> None:
    """One gunicorn node (wanzhou_police/gunicorn.conf.py) on 127.0.0.1:port, waiting for its /healthz."""
    name = node_name(port)
    if recorded(name):
        return
    LOGS.mkdir(parents=True, exist_ok=True)
    env = portal_env()
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(WORKERS_PER_NODE),
        GUNICORN_CONTROL_SOCKET="off",
        GUNICORN_ACCESS_LOG=str(LOGS / f"{name}.access.log"),
    )
    with open(LOGS / f"{name}.log", "ab") as output:
        process = subprocess.Popen(
            [GUNICORN, "--config", ROOT / "wanzhou_police" / "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    record(name, process.pid)
    wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), f"gunicorn {name}")


def stop_node(port: int, sig: int = signal.SIGTERM) -> None:
    """SIGTERM: gunicorn stops accepting and lets each worker finish its request (graceful_timeout)."""
    stop_recorded(node_name(port), sig)


def rolling_restart() -> None:
    """Restart every node in turn while nginx sends the requests to the others.

    A node stops gracefully (its workers finish what they serve), starts, and answers /healthz;
    then the next one waits until nginx has taken the first back (the upstream's fail_timeout),
    so there is always a node nginx sends to. It returns once nginx has taken the last one back too: until
    then that node is out, and losing another would leave nginx none.
    """
    for port in NODE_PORTS:
        log(f"restarting {node_name(port)}")
        stop_node(port)
        start_node(port)
        time.sleep(NODE_FAIL_TIMEOUT + 1)


NGINX_SITE = """\
# Written by scripts/cluster.py: the loopback cluster's nginx, its own prefix, pid and logs.
worker_processes 1;
pid {var}/nginx.pid;
error_log {logs}/nginx.error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Which node answered each request, and how: the tests' evidence when a request is lost.
    log_format upstreams '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                         'upstream=$upstream_addr upstream_status=$upstream_status $request_time';
    access_log {logs}/nginx.access.log upstreams;
    client_body_temp_path {var}/nginx-tmp/body;
    proxy_temp_path {var}/nginx-tmp/proxy;
    fastcgi_temp_path {var}/nginx-tmp/fastcgi;
    uwsgi_temp_path {var}/nginx-tmp/uwsgi;
    scgi_temp_path {var}/nginx-tmp/scgi;
    sendfile on;
    keepalive_timeout 65;
    upstream portal_nodes {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1 localhost;
        set $portal_static_root {static};
        include {snippet};
    }}
}}
"""


def write_nginx_conf() -> Path:
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout={NODE_FAIL_TIMEOUT}s;" for port in NODE_PORTS
    )
    conf = VAR / "nginx.conf"
    (VAR / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    conf.write_text(
        NGINX_SITE.format(
            var=VAR,
            logs=LOGS,
            servers=servers,
            port=NGINX_PORT,
            static=ROOT / "staticfiles",
            snippet=ROOT / "deploy" / "nginx" / "portal-proxy.conf",
        )
    )
    return conf


def start_nginx() -> None:
    if recorded("nginx"):
        return
    conf = write_nginx_conf()
    run(["nginx", "-t", "-q", "-c", conf, "-p", VAR])
    run(["nginx", "-c", conf, "-p", VAR])
    wait_for(lambda: (VAR / "nginx.pid").exists(), "nginx")
    record("nginx", int((VAR / "nginx.pid").read_text()))
    wait_for(lambda: http_ok(f"{PORTAL_URL}healthz"), "nginx in front of the nodes")


# --- commands ------------------------------------------------------------------------


def up(*, fresh: bool = False) -> None:
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed: apt-get install -y nginx")
    if fresh:
        down()
        for path in (PRIMARY_DIR, REPLICA_DIR):
            shutil.rmtree(path, ignore_errors=True)
    VAR.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    if not (PRIMARY_DIR / "PG_VERSION").exists():
        init_primary()
    pg_start(PRIMARY_DIR, PG_PORT, "pg-primary")
    if not (REPLICA_DIR / "PG_VERSION").exists():
        init_replica()
    pg_start(REPLICA_DIR, REPLICA_PORT, "pg-replica")
    # Cached pages are keyed by the content revision, which a fresh database starts again.
    run(["redis-cli", "-n", REDIS_DB, "FLUSHDB"], stdout=subprocess.DEVNULL)
    log("loading the 2021 report")
    load_report()
    for port in NODE_PORTS:
        start_node(port)
    start_nginx()
    log(f"primary {PRIMARY_URL}, replica {REPLICA_URL}, Redis {REDIS_URL}")
    log(f"nodes {', '.join(f'http://127.0.0.1:{port}/' for port in NODE_PORTS)}")
    print(f"The portal: {PORTAL_URL}  (the admin account is printed above; `make cluster-stop` ends it)")


def down() -> None:
    stop_recorded("nginx", signal.SIGQUIT)  # nginx's graceful stop
    for port in NODE_PORTS:
        stop_node(port)
    pg_stop(REPLICA_DIR, "pg-replica")
    pg_stop(PRIMARY_DIR, "pg-primary")
    log("stopped")


def status() -> None:
    for name in ("pg-primary", "pg-replica", *(node_name(port) for port in NODE_PORTS), "nginx"):
        pid = recorded(name)
        print(f"{name:12} {'running, pid ' + str(pid) if pid else 'stopped'}")


def backup() -> Path:
    """pg_dump in custom format of the primary, and a sha256sum-style checksum file beside it."""
    BACKUPS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = BACKUPS / f"{DB_NAME}-{stamp}.dump"
    run([PG_BIN / "pg_dump", "-Fc", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-f", dump, DB_NAME])
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()
    dump.with_suffix(".dump.sha256").write_text(f"{digest}  {dump.name}\n")
    log(f"backup {dump} (sha256 {digest[:16]}…)")
    return dump


def latest_backup() -> Path:
    dumps = sorted(BACKUPS.glob(f"{DB_NAME}-*.dump"))
    if not dumps:
        raise SystemExit(f"no backup in {BACKUPS}: run `make backup` first")
    return dumps[-1]


def restore(dump: Path | None = None, target: str = "wanzhou_restored") -> str:
    """Check the dump's checksum, then pg_restore it into ``target``, created fresh (an existing one is refused)."""
    dump = dump or latest_backup()
    expected = dump.with_suffix(".dump.sha256").read_text().split()[0]
    if hashlib.sha256(dump.read_bytes()).hexdigest() != expected:
        raise SystemExit(f"{dump}: checksum does not match {dump.name}.sha256; not restoring")
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{target}'"):
        raise SystemExit(f"database {target} exists; restore goes into a fresh database (drop it first)")
    psql(f"CREATE DATABASE {target} OWNER {APP_USER}")
    run(
        [PG_BIN / "pg_restore", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres"]
        + ["-d", target, "--no-owner", "--role", APP_USER, "--exit-on-error", dump]
    )
    log(f"restored {dump.name} into {url(dbname=target)}")
    return target


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up").add_argument("--fresh", action="store_true", help="new data directories")
    commands.add_parser("down")
    commands.add_parser("status")
    commands.add_parser("rolling-restart")
    commands.add_parser("backup")
    restore_parser = commands.add_parser("restore")
    restore_parser.add_argument("--dump", type=Path, help="a dump (default: the newest in var/backups/)")
    restore_parser.add_argument("--into", dest="target", default="wanzhou_restored", help="a database to create")
    args = parser.parse_args(argv)
    if args.command == "up":
        up(fresh=args.fresh)
    elif args.command == "down":
        down()
    elif args.command == "rolling-restart":
        rolling_restart()
    elif args.command == "status":
        status()
    elif args.command == "backup":
        backup()
    else:
        restore(args.dump, args.target)


if __name__ == "__main__":
    main(sys.argv[1:])
