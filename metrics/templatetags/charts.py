"""Template tags for pages that draw plotly charts."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from wanzhou_police.staticfinders import MAPLIBRE_CSS, PLOTLY_CSS, PREFIX, maplibre_style_id

register = template.Library()


@register.simple_tag
def plotly_stylesheets() -> str:
    """``<link>`` elements for plotly.js's stylesheets, with the ids that stop it injecting inline styles.

    Without them plotly.js adds ``<style>`` elements, which the Content-Security-Policy blocks.
    """
    return format_html(
        '<link id="plotly.js-style-global" class="no-inline-styles" rel="stylesheet" href="{}">\n'
        '  <link id="{}" rel="stylesheet" href="{}">',
        static(f"{PREFIX}/{PLOTLY_CSS}"),
        maplibre_style_id(),
        static(f"{PREFIX}/{MAPLIBRE_CSS}"),
    )
