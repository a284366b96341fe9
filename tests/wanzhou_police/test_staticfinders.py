"""plotly.js and its stylesheets come from the installed package, never a CDN or the repository."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

from wanzhou_police.staticfinders import maplibre_style, maplibre_style_id, plotly_bundle, plotly_global_css


def test_finder_serves_plotly_js_from_the_installed_package():
    path = Path(finders.find("vendor/plotly.min.js"))
    assert "site-packages" in path.parts or "dist-packages" in path.parts
    assert path.read_text(encoding="utf-8", errors="ignore")[:200].lstrip("/* \n").startswith("plotly.js")


def test_plotly_global_css_is_read_from_the_bundle_with_plotly_selectors():
    css = Path(finders.find("vendor/plotly-global.css")).read_text(encoding="utf-8")
    rules = [line for line in css.splitlines() if line]
    assert len(rules) > 30
    assert all(re.fullmatch(r"[^{}]+\{[^{}]*\}", rule) for rule in rules)
    assert ".js-plotly-plot .plotly .modebar" in css
    assert ".plotly-notifier" in css
    assert "X," not in css.split("{")[0]


def test_plotly_global_css_parser_handles_quoted_and_bare_keys():
    bundle = """var a={"X,X div":'direction:ltr;',Y:"position:fixed;","Y p":"margin:0;"};"""
    assert plotly_global_css(bundle) == (
        ".js-plotly-plot .plotly,.js-plotly-plot .plotly div{direction:ltr;}\n"
        ".plotly-notifier{position:fixed;}\n"
        ".plotly-notifier p{margin:0;}\n"
    )


def test_maplibre_stylesheet_and_its_id_match_the_bundle():
    element_id, css = maplibre_style(plotly_bundle())
    assert re.fullmatch(r"[0-9a-f]{16,}", element_id)
    assert maplibre_style_id() == element_id
    assert ".maplibregl-map" in css
    assert Path(finders.find("vendor/plotly-maplibre.css")).read_text(encoding="utf-8") == css
