"""The vendored plotly.js (scripts/build_plotly.py) and the tags that load it (templatetags/plotly_assets.py)."""

import hashlib
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template import engines

from metrics.templatetags.plotly_assets import BUNDLE, GLOBAL_CSS, LOCALE, MAPLIBRE_STYLE_ID

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly"
BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_plotly.py"


def test_vendored_plotly_files_match_their_recorded_checksums():
    recorded = dict(reversed(line.split("  ")) for line in (VENDOR / "SHA256SUMS").read_text().splitlines())
    assert set(recorded) == {"LICENSE", "plotly-basic.min.js", "plotly-global.css", "plotly-locale-zh-tw.js"}
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_vendored_plotly_is_the_pinned_version_of_the_basic_bundle():
    pinned = re.search(r'^PLOTLY_JS_VERSION = "([\d.]+)"$', BUILD_SCRIPT.read_text(), re.MULTILINE).group(1)
    header = (VENDOR / "plotly-basic.min.js").read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{pinned}" in header
    assert f"`plotly.js@{pinned}`" in (VENDOR / "README.md").read_text()


def test_vendored_locale_registers_traditional_chinese():
    assert 'name:"zh-TW"' in (VENDOR / "plotly-locale-zh-tw.js").read_text(encoding="utf-8")


def test_maplibre_marker_id_is_the_one_the_bundle_checks():
    bundle = (VENDOR / "plotly-basic.min.js").read_text(encoding="utf-8")
    assert f'document.getElementById("{MAPLIBRE_STYLE_ID}")' in bundle


def test_plotly_tags_link_the_vendored_files_with_the_ids_plotly_looks_for():
    template = "{% load plotly_assets %}{% plotly_stylesheets %}{% plotly_scripts %}"
    html = engines["django"].from_string(template).render()
    assert '<link id="plotly.js-style-global" class="no-inline-styles" rel="stylesheet"' in html
    assert f'id="{MAPLIBRE_STYLE_ID}"' in html
    assert html.index(BUNDLE) < html.index(LOCALE), "the locale registers itself with the loaded bundle"
    for path in (BUNDLE, LOCALE, GLOBAL_CSS):
        assert f"/static/{path}" in html
        assert Path(finders.find(path)).parent == VENDOR
