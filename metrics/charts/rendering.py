"""A chart's payload drawn on the server by plotly's own static exporter (kaleido, driving Chromium).

The payload (``builders.chart_payload``) stays the one description of a chart: kaleido draws it with
the same plotly.js the browser would run, so a stored SVG and a browser drawing are the same picture.
A drawing is named by ``image_key``: the payload's canonical JSON and the width it is drawn at, so
any change of a value, a label or the language is a new key, and a page whose charts changed falls
back to the browser drawing until ``render_charts`` has drawn the new ones.

Pure: no model, no request. ``Renderer`` keeps one browser for many drawings (the first takes about
2 s, each after it about 0.15 s on this project's machines).
"""

import base64
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass

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
#: BROWSER_PATH names another (kaleido's choreographer reads it).
BROWSERS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
QUIET_LOGGERS = ("kaleido", "choreographer", "logistro")


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


class Renderer:
    """One headless Chromium serving every drawing of a ``with`` block.

    Raises RuntimeError on entry when no Chromium is found (``browser_path``).
    """

    def __enter__(self) -> "Renderer":
        path = browser_path()
        if path is None:
            raise RuntimeError(f"no Chromium at {where_browsers_are_looked_for()}")
        os.environ["BROWSER_PATH"] = path
        for name in QUIET_LOGGERS:  # each browser start and stop logs a dozen lines at INFO
            logging.getLogger(name).setLevel(logging.WARNING)
        import kaleido  # imported here: only the command draws, and kaleido starts an event loop thread

        self._kaleido = kaleido
        kaleido.start_sync_server(headless=True, silence_warnings=True)
        return self

    def __exit__(self, *exc) -> None:
        self._kaleido.stop_sync_server(silence_warnings=True)

    def _image(self, payload: dict, *, width: int, fmt: str, scale: int = 1) -> bytes:
        figure = {"data": payload["data"], "layout": payload["layout"]}
        opts = {"format": fmt, "width": width, "height": image_height(payload), "scale": scale}
        return self._kaleido.calc_fig_sync(figure, opts=opts)

    def draw(self, payload: dict, *, width: int) -> Drawing:
        """``payload`` drawn ``width`` px wide as SVG, with the PNG when ``width`` is ``PNG_WIDTH``."""
        svg = self._image(payload, width=width, fmt="svg").decode("utf-8")
        png = self._image(payload, width=width, fmt="png", scale=PNG_SCALE) if width == PNG_WIDTH else None
        return Drawing(key=image_key(payload, width), width=width, height=image_height(payload), svg=svg, png=png)
