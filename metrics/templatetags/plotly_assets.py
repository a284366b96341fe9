"""Template tags that load the vendored plotly.js (static/vendor/plotly/, built by scripts/build_plotly.py)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

VENDOR = "vendor/plotly"
BUNDLE = f"{VENDOR}/plotly-basic.min.js"
LOCALE = f"{VENDOR}/plotly-locale-zh-tw.js"
GLOBAL_CSS = f"{VENDOR}/plotly-global.css"

#: plotly.js injects MapLibre's stylesheet as an inline ``<style>`` unless an element with
#: this id exists. The portal draws no maps, so an empty element with the id stands in for it;
#: tests/metrics/test_plotly_assets.py checks the vendored bundle still uses this id.
MAPLIBRE_STYLE_ID = "9f215cf04c5486422605d13261cb87401f4e7763b6296af81e98efbc0130da53"


@register.simple_tag
def plotly_stylesheets() -> str:
    """plotly.js's global rules as a ``<link>``, and the MapLibre marker, with the ids plotly.js looks for.

    Without them plotly.js adds ``<style>`` elements, which the Content-Security-Policy blocks.
    """
    return format_html(
        '<link id="plotly.js-style-global" class="no-inline-styles" rel="stylesheet" href="{}">'
        '<meta id="{}" name="plotly-maplibre-style" content="none">',
        static(GLOBAL_CSS),
        MAPLIBRE_STYLE_ID,
    )


@register.simple_tag
def plotly_scripts() -> str:
    """The bundle, then its zh-TW locale (it registers itself with the loaded ``Plotly``), both deferred."""
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer></script>', static(BUNDLE), static(LOCALE)
    )
