"""Server drawings of charts (``metrics.ChartImage``) on the pages, their URL, and how they are stored.

The drawings here are stand-ins (an SVG naming its key) stored through the service, as ``render_charts``
stores kaleido's: what the pages do with a drawing does not depend on who drew it. The command with a real
Chromium is tests/metrics/test_render_charts.py.
"""

import base64
import re

import pytest
from django.utils import translation

from metrics import selectors, services
from metrics.charts.rendering import PHONE_WIDTH, PNG_WIDTH, WIDE_WIDTH, Drawing, image_height
from metrics.models import ChartImage, Figure
from reports.models import ContentRevision
from tests.factories import make_mediation_2022
from tests.metrics.test_views import CACHED_PAGE

pytestmark = pytest.mark.django_db

PLOTLY = "/static/vendor/plotly/plotly-basic.min.js"
PNG = b"\x89PNG\r\n\x1a\n-stand-in"


def stand_in(key: str, width: int, payload: dict) -> Drawing:
    # As long as a small chart's (gzip passes over a body under 200 bytes).
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}"><text>{key}</text>{"<g/>" * 500}</svg>'
    return Drawing(key, width, image_height(payload), svg, PNG if width == PNG_WIDTH else None)


def draw_every_chart(language: str = "zh-hant") -> int:
    """Store a stand-in drawing of every chart the pages show in ``language``; returns how many were new."""
    with translation.override(language):
        drawings = {
            key: stand_in(key, width, chart.payload)
            for chart in selectors.every_chart()
            for width, key in chart.image_keys.items()
        }
    return services.store_chart_images(drawings=drawings.values())


def images(html: str) -> list[dict]:
    """Each server-drawn chart of a page: its <img> and the wide <source> before it."""
    found = re.findall(
        r'<source media="\(min-width: 60rem\)" srcset="([^"]+)"[^>]*>\s*<img src="([^"]+)"([^>]*)>', html
    )
    return [{"wide": wide, "src": src, "attributes": attributes} for wide, src, attributes in found]


def decoded(src: str) -> str:
    assert src.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")


@pytest.mark.parametrize(
    "path, bars, body_queries",
    [("/reports/2021/", 3, 5), ("/reports/2021/mediation/", 4, 7)],
)
def test_page_with_every_drawing_stored_shows_them_and_loads_no_plotly(
    viewer_client, report_2021, django_assert_num_queries, path, bars, body_queries
):
    draw_every_chart()
    with django_assert_num_queries(CACHED_PAGE + body_queries + 2):
        html = viewer_client.get(path).content.decode()
    shown = images(html)
    assert len(shown) == bars == html.count('class="chart chart-bars')
    assert PLOTLY not in html and "plotly.js-style-global" not in html and "data-chart-payload" not in html
    for image in shown:
        key = re.search(r"<text>(\w+)</text>", decoded(image["src"])).group(1)
        assert ChartImage.objects.get(key=key).width == PHONE_WIDTH
        assert re.fullmatch(r"/charts/[0-9a-f]{64}\.svg", image["wide"])
        assert f'width="{PHONE_WIDTH}"' in image["attributes"] and 'alt="' in image["attributes"]
    # The chart's table view and its download of the stored PNG stay beside it.
    assert html.count('class="chart-table"') >= bars
    assert len(re.findall(r'href="/charts/[0-9a-f]{64}\.png" download="wanzhou-2021-[\w-]+\.png"', html)) == bars


def test_section_chart_images_carry_the_charts_accessible_name(viewer_client, report_2021):
    draw_every_chart()
    html = viewer_client.get("/reports/2021/mediation/").content.decode()
    figure = html[html.index('id="chart-mediation-disputes-title"') - 200 :]
    title = re.search(r'id="chart-mediation-disputes-title"[^>]*>([^<]+)<', figure).group(1)
    assert f'alt="{title}"' in figure[: figure.index("</figure>")]


def test_page_falls_back_to_plotly_for_a_chart_edited_since_its_drawing(viewer_client, report_2021):
    draw_every_chart()
    assert PLOTLY not in viewer_client.get("/reports/2021/mediation/").content.decode()
    figure = Figure.objects.get(report=report_2021, code="mediation.disputes_screened")
    figure.value += 1
    figure.correction_reason = "測試的更正"
    figure.save()

    html = viewer_client.get("/reports/2021/mediation/").content.decode()
    assert PLOTLY in html and 'data-chart-payload="chart-mediation-disputes-data"' in html
    assert len(images(html)) == 3, "the charts not edited keep their drawings"
    assert draw_every_chart() == 2  # the edited chart at both widths
    assert PLOTLY not in viewer_client.get("/reports/2021/mediation/").content.decode()


def test_drawings_of_one_language_leave_another_drawn_by_plotly(viewer_client, report_2021):
    draw_every_chart("en")
    assert PLOTLY in viewer_client.get("/reports/2021/").content.decode()
    assert PLOTLY not in viewer_client.get("/en/reports/2021/").content.decode()


def test_metric_page_shows_the_series_drawing(viewer_client, report_2021, django_assert_num_queries):
    make_mediation_2022()
    path = "/metrics/mediation.disputes_screened/"
    assert PLOTLY in viewer_client.get(path).content.decode()
    draw_every_chart()
    with django_assert_num_queries(10):
        html = viewer_client.get(path).content.decode()
    assert PLOTLY not in html and len(images(html)) == 1


def test_chart_image_serves_the_svg_and_png_for_good(viewer_client, report_2021):
    draw_every_chart()
    wide = ChartImage.objects.filter(width=WIDE_WIDTH).first()
    response = viewer_client.get(f"/charts/{wide.key}.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.decode() == wide.svg
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    png = viewer_client.get(f"/en/charts/{wide.key}.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content == PNG
    gzipped = viewer_client.get(f"/charts/{wide.key}.svg", headers={"accept-encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "path",
    [
        "/charts/" + "0" * 64 + ".svg",
        "/charts/" + "0" * 64 + ".png",
        "/charts/" + "0" * 63 + ".svg",
        "/charts/" + "A" * 64 + ".svg",
        "/charts/" + "0" * 64 + ".gif",
        "/charts/..%2f" + "0" * 60 + ".svg",
        "/charts/%00" + "0" * 63 + ".svg",
    ],
)
def test_chart_image_is_404_for_a_key_not_stored_or_malformed(viewer_client, path):
    assert viewer_client.get(path).status_code == 404


def test_chart_image_has_no_png_for_the_phone_width(viewer_client, report_2021):
    draw_every_chart()
    phone = ChartImage.objects.filter(width=PHONE_WIDTH).first()
    assert viewer_client.get(f"/charts/{phone.key}.svg").status_code == 200
    assert viewer_client.get(f"/charts/{phone.key}.png").status_code == 404


def test_chart_image_asks_a_visitor_to_log_in(client, report_2021):
    draw_every_chart()
    key = ChartImage.objects.first().key
    response = client.get(f"/charts/{key}.svg")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_store_chart_images_adds_new_keys_once_and_bumps_the_revision(report_2021):
    before = ContentRevision.current()
    stored = draw_every_chart()
    # Each of the 2021 report's bar charts in one language, at two widths.
    assert stored == ChartImage.objects.count() == 2 * 12
    after = ContentRevision.current()
    assert after != before
    assert draw_every_chart() == 0
    assert ContentRevision.current() == after, "nothing new: the cached pages stay"


def test_prune_chart_images_keeps_only_the_keys_given(report_2021):
    draw_every_chart()
    keep = list(ChartImage.objects.filter(width=WIDE_WIDTH).values_list("key", flat=True))
    assert services.prune_chart_images(keep=keep) == 12
    assert set(ChartImage.objects.values_list("key", flat=True)) == set(keep)
