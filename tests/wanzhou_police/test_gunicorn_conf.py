"""wanzhou_police/gunicorn.conf.py as gunicorn loads it: sync workers, the hooks, one control socket per instance."""

from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.app.base import Application

CONFIG = Path(settings.BASE_DIR) / "wanzhou_police" / "gunicorn.conf.py"


class ConfigOnly(Application):
    """gunicorn's own loading of the config file, without command-line arguments or an app."""

    def load_config(self):
        self.load_config_from_file(str(CONFIG))

    def load(self):
        raise AssertionError("only the configuration is loaded")


@pytest.fixture
def load(monkeypatch):
    """Load the config with these environment variables set (``None`` unsets one): gunicorn's Config."""

    def load(**env):
        for name in ("GUNICORN_BIND", "GUNICORN_CONTROL_SOCKET", "GUNICORN_TIMEOUT", "GUNICORN_THREADS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return ConfigOnly().cfg

    return load


def test_gunicorn_conf_runs_sync_workers_whose_timeout_stops_a_request(load):
    config = load(GUNICORN_THREADS="8")
    assert config.worker_class_str == "sync"
    assert config.threads == 1
    assert config.timeout == 60
    assert load(GUNICORN_TIMEOUT="7").timeout == 7


def test_gunicorn_conf_gives_each_bind_address_its_own_control_socket(load, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    binds = ["127.0.0.1:8000", "127.0.0.1:8001", "0.0.0.0:8000", "[::1]:8000", "unix:/run/wanzhou/" + "g" * 200]
    sockets = [load(GUNICORN_BIND=bind).control_socket for bind in binds]
    assert len(set(sockets)) == len(binds)
    for path in sockets:
        assert Path(path).parent == tmp_path
        assert Path(path).name.startswith("wanzhou-police-")
        # A socket path fits in 108 bytes: with /run/user/1000 or /home/<name>/.gunicorn, this name does.
        assert len(Path(path).name) <= 64
    assert load(GUNICORN_BIND="127.0.0.1:8000").control_socket == sockets[0]  # the same instance, the same path
    assert not load(GUNICORN_BIND="127.0.0.1:8000").control_socket_disable


def test_gunicorn_conf_control_socket_falls_back_to_gunicorns_home_directory(load, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Path(load().control_socket).parent == tmp_path / ".gunicorn"


def test_gunicorn_conf_control_socket_can_be_named_or_switched_off(load, tmp_path):
    named = load(GUNICORN_CONTROL_SOCKET=str(tmp_path / "portal.ctl"))
    assert (named.control_socket, named.control_socket_disable) == (str(tmp_path / "portal.ctl"), False)
    assert load(GUNICORN_CONTROL_SOCKET="off").control_socket_disable
