"""Serve plotly.js, and the stylesheet it would otherwise inject, from the installed ``plotly`` package.

The portal runs on an intranet with no internet access and the library is
several megabytes, so it is neither loaded from a CDN nor committed: this
finder exposes the package's own copy as ``vendor/plotly.min.js`` to
``runserver``, the test live server and ``collectstatic`` alike.

plotly.js normally injects two stylesheets with inline ``<style>`` elements,
which a strict Content-Security-Policy blocks: its global rules (skipped when
an element with id ``plotly.js-style-global`` and class ``no-inline-styles``
exists) and the bundled MapLibre CSS (skipped when an element with its content
hash as id exists). This finder writes both as files, read from the installed
plotly.min.js so they always match the library served, and the
``{% plotly_stylesheets %}`` tag (metrics/templatetags/charts.py) links them
with the ids plotly looks for.
"""

import functools
import re
from pathlib import Path

import plotly
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly.min.js"
PLOTLY_CSS = "plotly-global.css"
MAPLIBRE_CSS = "plotly-maplibre.css"
PREFIX = "vendor"
PLOTLY_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"

# In the bundle the rules are one object literal of string pairs, opening with this key;
# "X" stands for the plot's root selector and "Y" for the notifier's.
_RULES_START = '"X,X div":'
_JS_STRING = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
# A key is a string literal or, where the minifier dropped the quotes, a bare name.
_RULE_PAIR = re.compile("(" + _JS_STRING[1:-1] + r"|[A-Za-z_$][\w$]*)\s*:\s*" + _JS_STRING + r"\s*(,|\})")


def _unquote(literal: str) -> str:
    if literal[0] not in "\"'":
        return literal
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def plotly_global_css(bundle: str) -> str:
    """The CSS text of plotly.js's global style rules, read from the bundle's source.

    Raises ValueError when the rule table cannot be found, so an incompatible
    plotly upgrade fails loudly (system check, tests) instead of silently
    rendering unstyled charts.
    """
    start = bundle.find(_RULES_START)
    if start < 0:
        raise ValueError("plotly.js global style rules not found in the bundle")
    lines = []
    position = start
    while True:
        match = _RULE_PAIR.match(bundle, position)
        if match is None:
            raise ValueError(f"unexpected text in plotly.js style rules at offset {position}")
        selector = _unquote(match.group(1))
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{selector}{{{_unquote(match.group(2))}}}")
        if match.group(3) == "}":
            break
        position = match.end()
        while bundle[position] in " \n\t":
            position += 1
    return "\n".join(lines) + "\n"


_MAPLIBRE_STYLE = re.compile(
    r'document\.getElementById\("([0-9a-f]{16,})"\)\)\{var (\w+)=document\.createElement\("style"\);'
    r"\2\.id=\"\1\",\2\.textContent=" + _JS_STRING
)


def maplibre_style(bundle: str) -> tuple[str, str]:
    """(element id, CSS text) of the MapLibre stylesheet plotly.js injects; ValueError if absent."""
    match = _MAPLIBRE_STYLE.search(bundle)
    if match is None:
        raise ValueError("plotly.js MapLibre stylesheet not found in the bundle")
    return match.group(1), _unquote(match.group(3))


def generated_dir() -> Path:
    """Where the generated stylesheet is written (git-ignored), one file per plotly version."""
    return Path(settings.BASE_DIR) / "build" / f"plotly-{plotly.__version__}"


@functools.cache
def plotly_bundle() -> str:
    return (PLOTLY_PACKAGE_DATA / PLOTLY_JS).read_text(encoding="utf-8")


@functools.cache
def maplibre_style_id() -> str:
    """The id plotly.js checks before injecting its MapLibre stylesheet."""
    return maplibre_style(plotly_bundle())[0]


def ensure_plotly_css() -> Path:
    """Write both stylesheets for the installed plotly unless they exist; return their folder."""
    folder = generated_dir()
    for name, build in (
        (PLOTLY_CSS, lambda: plotly_global_css(plotly_bundle())),
        (MAPLIBRE_CSS, lambda: maplibre_style(plotly_bundle())[1]),
    ):
        target = folder / name
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".tmp")
            partial.write_text(build(), encoding="utf-8")
            partial.replace(target)
    return folder


class PlotlyJsFinder(BaseFinder):
    """A staticfiles finder for plotly.min.js and the two stylesheets above, all under vendor/."""

    def check(self, **kwargs):
        try:
            ensure_plotly_css()
        except (OSError, ValueError) as error:
            return [Error(f"Cannot prepare plotly's stylesheet: {error}", id="wanzhou.E001")]
        return []

    def _path(self, path: str) -> str | None:
        if path == f"{PREFIX}/{PLOTLY_JS}":
            return str(PLOTLY_PACKAGE_DATA / PLOTLY_JS)
        if path in (f"{PREFIX}/{PLOTLY_CSS}", f"{PREFIX}/{MAPLIBRE_CSS}"):
            return str(ensure_plotly_css() / path.removeprefix(f"{PREFIX}/"))
        return None

    def find(self, path, find_all=False, **kwargs):
        match = self._path(path)
        if find_all:
            return [match] if match else []
        return match

    def list(self, ignore_patterns):
        generated = ensure_plotly_css()
        for directory, name in ((PLOTLY_PACKAGE_DATA, PLOTLY_JS), (generated, PLOTLY_CSS), (generated, MAPLIBRE_CSS)):
            storage = FileSystemStorage(location=str(directory))
            storage.prefix = PREFIX
            yield name, storage
