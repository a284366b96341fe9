"""A chart's payload drawn on the server by plotly's own static exporter (kaleido, driving Chromium).

The payload (``builders.chart_payload``) stays the one description of a chart: kaleido draws it with
the same plotly.js the browser would run, so a stored SVG and a browser drawing are the same picture.
A drawing is named by ``image_key``: the payload's canonical JSON and the width it is drawn at, so
any change of a value, a label or the language is a new key, and a page whose charts changed falls
back to the browser drawing until ``render_charts`` has drawn the new ones.

Pure: no model, no request. ``Renderer`` keeps one browser for many drawings (the first takes about
1 s, each after it about 0.1 s on this project's machines).
"""

import asyncio
import base64
import concurrent.futures
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

#: The widths a chart is drawn at (px): a phone's column (the builders fit labels and notes to about
#: 330 px; 358-380 px at 390-412 px screens) and a column of the two-chart grid at 1280 px (about
#: 530 px). One drawing stretched to the other width would scale its text by 1.5 or by 0.67.
PHONE_WIDTH = 360
WIDE_WIDTH = 540
WIDTHS = (PHONE_WIDTH, WIDE_WIDTH)
#: The PNG download: the wide drawing at twice its pixels, as the browser download was.
PNG_WIDTH = WIDE_WIDTH
PNG_SCALE = 2
#: The Chromium builds kaleido may drive, lightest first: Debian's headless shell (``chromium-headless-shell``,
#: the browser without its desktop compositor: about a quarter less CPU a drawing), then Debian's Chromium.
#: BROWSER_PATH names another.
BROWSERS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
#: The plotly.js kaleido draws with: the pages' own vendored bundle (bars, lines and tiles need no more), not
#: plotly.py's full one four times its size, which kaleido reloads after every drawing (0.24 s a drawing ->
#: 0.13 s, the same SVG and PNG). No MathJax either: kaleido's default fetches it from a CDN on each reload.
PLOTLY_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly" / "plotly-basic.min.js"
QUIET_LOGGERS = ("kaleido", "choreographer", "logistro")

logger = logging.getLogger(__name__)


def image_key(payload: dict, width: int) -> str:
    """sha256 of the payload's canonical JSON and ``width``: the name of that drawing."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{width}\x1f{canonical}".encode()).hexdigest()


def image_height(payload: dict) -> int:
    """The chart's height (px): the builders set it in the layout from the number of bars and lines."""
    return int(payload["layout"].get("height") or 360)


def data_uri(svg: str) -> str:
    """An SVG as a ``data:`` URI for an ``<img>``: drawn with the page, no request of its own (the page's
    CSP allows ``data:`` images; an SVG image runs no script, and its inline styles apply)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def browser_path() -> str | None:
    """The Chromium kaleido would drive: BROWSER_PATH, else the first of ``BROWSERS`` installed, else one on
    the PATH; None when the machine has none."""
    override = os.environ.get("BROWSER_PATH")
    for path in (override,) if override else BROWSERS:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return shutil.which("chromium-headless-shell") or shutil.which("chromium")


def where_browsers_are_looked_for() -> str:
    """Where ``browser_path`` looks, for a message saying none was found."""
    return os.environ.get("BROWSER_PATH") or " or ".join(BROWSERS)


@dataclass(frozen=True)
class Drawing:
    """One payload drawn at ``width``: its key, size, SVG text, and the PNG when asked for."""

    key: str
    width: int
    height: int
    svg: str
    png: bytes | None


async def _new_kaleido(kaleido, path: str, draw_timeout: float):
    """A browser of the ``kaleido`` module for ``path``, made on the loop that will drive it."""
    return kaleido.Kaleido(path=path, headless=True, timeout=draw_timeout, plotlyjs=str(PLOTLY_JS), mathjax=False)


async def _outcome(coroutine) -> tuple[bool, object]:
    """``(True, result)`` or ``(False, exception)``: a step given up on still ends without an unread error."""
    try:
        return True, await coroutine
    except Exception as error:  # noqa: BLE001 - handed back to the caller, who raises it
        return False, error


async def _cancel_the_rest() -> None:
    """Cancel every other task of the running loop (choreographer's watchdog, a drawing that timed out)."""
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


def _reason(error: Exception) -> str:
    """An error's first argument (choreographer's are tuples of sentences), else its class name."""
    return str(error.args[0]) if error.args else type(error).__name__


class RenderingError(RuntimeError):
    """Chromium did not start or did not draw a chart: it failed, or passed its time limit."""


class Renderer:
    """One headless Chromium serving every drawing of a ``with`` block, each step under a time limit.

    kaleido runs on an event loop in a daemon thread of this object's own (not kaleido's global sync
    server: its close joins its thread with no limit, and once hung in a test for good). Starting waits at
    most ``start_timeout`` s and each drawing ``draw_timeout`` s (kaleido's own limit; ours 2 s later), else
    RenderingError, as for any other failure to start or draw; leaving the block waits ``close_timeout`` s
    for kaleido to close Chromium, then kills its process group. Raises RuntimeError on entry when no
    Chromium is found (``browser_path``).
    """

    def __init__(self, *, start_timeout: float = 60, draw_timeout: float = 60, close_timeout: float = 20):
        self.start_timeout = start_timeout
        self.draw_timeout = draw_timeout
        self.close_timeout = close_timeout
        self._kaleido = None

    def __enter__(self) -> "Renderer":
        path = browser_path()
        if path is None:
            raise RuntimeError(f"no Chromium at {where_browsers_are_looked_for()}")
        for name in QUIET_LOGGERS:  # each browser start and stop logs a dozen lines at INFO
            logging.getLogger(name).setLevel(logging.WARNING)
        import kaleido  # imported here, before any time limit runs: only the command draws

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()
        try:
            self._kaleido = self._wait(
                _new_kaleido(kaleido, path, self.draw_timeout), timeout=self.start_timeout, doing="set up"
            )
            self._wait(self._kaleido.open(), timeout=self.start_timeout, doing=f"start Chromium at {path}")
        except RenderingError:
            self._leave(graceful=False)  # a browser that did not start in time will not answer a close either
            raise
        except Exception as error:  # choreographer's BrowserFailedError and whatever else stops a start
            self._leave(graceful=False)
            raise RenderingError(f"Chromium at {path} did not start: {_reason(error)}") from error
        return self

    def __exit__(self, *exc) -> None:
        self._leave()

    @property
    def browser_process(self) -> subprocess.Popen | None:
        """The browser's process (the leader of its process group) once started, else None."""
        return getattr(self._kaleido, "subprocess", None)

    def _wait(self, coroutine, *, timeout: float, doing: str):
        """Run ``coroutine`` on the renderer's loop; its result, or RenderingError after ``timeout`` s."""
        future = asyncio.run_coroutine_threadsafe(_outcome(coroutine), self._loop)
        try:
            succeeded, value = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise RenderingError(f"kaleido did not {doing} within {timeout:g} s") from None
        if not succeeded:
            raise value
        return value

    def _leave(self, *, graceful: bool = True) -> None:
        """Close Chromium (asked when ``graceful``, then its process group killed if it still runs), cancel what
        still runs on the loop and stop it: never blocks for much longer than ``close_timeout`` s."""
        if self._kaleido is not None and graceful:
            try:
                self._wait(self._kaleido.close(), timeout=self.close_timeout, doing="close Chromium")
            except Exception as error:  # noqa: BLE001 - whatever went wrong, the browser must not outlive us
                logger.warning("%s; killing the browser", error)
        process = self.browser_process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # choreographer starts it in a session of its own
                process.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired) as error:  # gone already, or stuck in the kernel
                logger.warning("killing the browser: %s", error)
        try:
            self._wait(_cancel_the_rest(), timeout=5, doing="cancel its tasks")
        except RenderingError as error:
            logger.warning("%s", error)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()

    def _image(self, payload: dict, *, width: int, fmt: str, scale: int = 1) -> bytes:
        figure = {"data": payload["data"], "layout": payload["layout"]}
        opts = {"format": fmt, "width": width, "height": image_height(payload), "scale": scale}
        try:
            return self._wait(self._kaleido.calc_fig(figure, opts=opts), timeout=self.draw_timeout + 2, doing="draw")
        except RenderingError:
            raise
        except Exception as error:  # kaleido's own time limit, a plotly.js error, a browser gone
            raise RenderingError(f"kaleido could not draw a {fmt}: {_reason(error)}") from error

    def draw(self, payload: dict, *, width: int) -> Drawing:
        """``payload`` drawn ``width`` px wide as SVG, with the PNG when ``width`` is ``PNG_WIDTH``."""
        svg = self._image(payload, width=width, fmt="svg").decode("utf-8")
        png = self._image(payload, width=width, fmt="png", scale=PNG_SCALE) if width == PNG_WIDTH else None
        return Drawing(key=image_key(payload, width), width=width, height=image_height(payload), svg=svg, png=png)
