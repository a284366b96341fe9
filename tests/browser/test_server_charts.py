"""Charts drawn on the server (``render_charts``, kaleido) in a real browser: with the 2021 charts drawn,
every chart of the overview and of each section is on screen as an image, named by its title and within
its column at 390 and 1280 px in English and Traditional Chinese (no serious axe violation at 390 px), and
no page loads plotly.js; no label
of any stored drawing overlaps another (each SVG opened from its own URL).
Screenshots: artifacts/server-charts/ (each page's charts in both languages at both widths)."""

import pytest
from django.core.management import call_command

from metrics.models import ChartImage
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_phones import overlaps
from tests.browser.test_portal_pages import PageWatch, log_in, portal  # noqa: F401 (the portal fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ("/reports/2021/", "/reports/2021/stability/", "/reports/2021/crackdown/", "/reports/2021/mediation/")
PREFIXES = {"zh-hant": "", "en": "/en"}

# Every bar chart's figure: its image (loaded, its size and the source the browser chose), its accessible
# name, and whether plotly.js is on the page at all.
READ_IMAGES = """() => ({
  plotly: typeof window.Plotly !== "undefined"
    || Array.from(document.scripts).some((script) => /plotly/.test(script.src))
    || !!document.querySelector("link[href*='plotly']"),
  scroll: document.documentElement.scrollWidth,
  charts: Array.from(document.querySelectorAll("figure.chart-bars")).map((figure) => {
    const img = figure.querySelector("img[data-chart-image]");
    const box = img ? img.getBoundingClientRect() : null;
    return {
      id: figure.querySelector(".chart-canvas").id,
      title: figure.querySelector("figcaption").textContent,
      image: img && {
        complete: img.complete, natural: img.naturalWidth, alt: img.alt, src: img.currentSrc.slice(0, 40),
        left: box.left, right: box.right, width: box.width, height: box.height,
        column: figure.getBoundingClientRect().width,
      },
    };
  }),
})"""

# Each text of an SVG opened as a document, as a box.
READ_SVG_TEXTS = """() => Array.from(document.querySelectorAll("text"))
  .filter((text) => text.textContent.trim())
  .map((text) => {
    const b = text.getBoundingClientRect();
    return {text: text.textContent, box: [b.left, b.top, b.right, b.bottom]};
  })
  .filter((t) => t.box[2] > t.box[0])"""


@pytest.mark.slow  # kaleido draws the 2021 charts in two languages (about 25 s), then 16 page loads and 48 SVGs
def test_overview_and_sections_show_server_drawn_charts_without_plotly(browser, portal, artifacts_dir):  # noqa: F811
    call_command("render_charts", "--language", "en", "--language", "zh-hant", verbosity=0)
    folder = artifacts_dir / "server-charts"
    folder.mkdir(exist_ok=True)
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 844}, accept_downloads=True)
        page = context.new_page()
        watch = PageWatch(page)
        log_in(page, portal.url)
        for language, prefix in PREFIXES.items():
            for path in PAGES:
                page.goto(portal.url + prefix + path)
                page.wait_for_load_state("load")
                read = page.evaluate(READ_IMAGES)
                where = f"{prefix}{path} at {width}px"
                assert not read["plotly"], f"{where}: plotly.js loaded"
                assert read["scroll"] <= width, f"{where}: sideways scroll"
                assert read["charts"], where
                for chart in read["charts"]:
                    image = chart["image"]
                    assert image and image["complete"] and image["natural"] > 0, f"{where}: {chart['id']} not drawn"
                    assert image["alt"] == chart["title"], where
                    assert 0 < image["width"] <= image["column"] + 0.5 and image["height"] > 100, where
                    assert image["left"] >= 0 and image["right"] <= width, f"{where}: {chart['id']} past the screen"
                    # A phone gets the drawing inside the page; a wide screen the wide drawing by URL.
                    assert image["src"].startswith("data:image/svg+xml" if width == 390 else "http"), where
                    assert page.get_by_role("img", name=chart["title"], exact=True).count() == 1, where
                if width == 390:
                    assert blocking_violations(page)[0] == [], f"{where}: axe"
                name = path.strip("/").replace("/", "-")
                page.locator("main").screenshot(path=str(folder / f"{name}-{language}-{width}.png"))
        if width == 1280:
            # The toolbar of a server-drawn chart: the table view toggles, the PNG is the stored one.
            page.goto(f"{portal.url}/en/reports/2021/mediation/")
            figure = page.locator("figure", has=page.locator("#chart-mediation-disputes"))
            figure.get_by_role("button", name="Show as table").click()
            assert page.locator("#chart-mediation-disputes-table").is_visible()
            assert not page.locator("#chart-mediation-disputes").is_visible()
            figure.get_by_role("button", name="Show as chart").click()
            assert page.locator("#chart-mediation-disputes img").is_visible()
            with page.expect_download() as download:
                figure.get_by_role("link", name="Download PNG image").click()
            assert download.value.suggested_filename == "wanzhou-2021-mediation-disputes.png"
            saved = folder / "mediation-disputes-download.png"
            download.value.save_as(saved)
            assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        watch.collect_csp_violations()
        assert watch.errors == [] and watch.csp_violations == [], (watch.errors, watch.csp_violations)
        context.close()

    # Every stored drawing (both languages, both widths), opened as a document: no label over another.
    context = browser.new_context(viewport={"width": 600, "height": 900})
    page = context.new_page()
    log_in(page, portal.url)
    keys = list(ChartImage.objects.values_list("key", "width"))
    assert len(keys) == 2 * 2 * 12
    for key, width in keys:
        page.goto(f"{portal.url}/charts/{key}.svg")
        boxes = page.evaluate(READ_SVG_TEXTS)
        assert boxes, key
        for index, first in enumerate(boxes):
            assert first["box"][2] <= width + 1, f"{key} ({width} px): {first['text']!r} cut off"
            for second in boxes[index + 1 :]:
                assert not overlaps(first["box"], second["box"]), f"{key}: {first['text']!r} / {second['text']!r}"
    context.close()
