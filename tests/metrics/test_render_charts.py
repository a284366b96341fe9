"""``render_charts`` with the real kaleido and Debian's Chromium: it draws and stores every chart once.

Few tests, one module: starting Chromium takes about 1 s and each drawing about 0.15 s (36 for one
language of the 2021 report). A browser that does not close, or a drawing that never ends, is given up
on within the renderer's limits. Without Chromium they skip on a developer machine and fail under
CI=true, as the browser tests do.
"""

import asyncio
import io
import os
import re
import threading
import time
from xml.etree import ElementTree

import kaleido
import pytest
from django.core.management import CommandError, call_command

from metrics.charts.rendering import PHONE_WIDTH, PNG_WIDTH, WIDE_WIDTH, Renderer, RenderingError, browser_path
from metrics.management.commands.render_charts import wanted_drawings
from metrics.models import ChartImage
from tests.metrics.charts.test_rendering import group_is_gone, two_bars

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # slow: a real Chromium draws 36 images (5-10 s)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def chromium():
    if browser_path() is None:
        message = "Chromium not found: install Debian's Chromium (apt-get install chromium-headless-shell chromium)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def run(*args) -> str:
    out = io.StringIO()
    call_command("render_charts", *args, stdout=out)
    return out.getvalue()


def test_render_charts_draws_every_chart_once_the_pages_show_them_and_prune_keeps_them(
    chromium, report_2021, viewer_client
):
    first = run("--language", "en")
    # The 2021 report's 12 bar charts at two widths; no metric has two years yet.
    assert re.search(r"24 drawings for 1 languages, 0 already stored, 24 drawn, 0 pruned", first), first
    assert ChartImage.objects.filter(width=PHONE_WIDTH).count() == ChartImage.objects.filter(width=WIDE_WIDTH).count()
    for image in ChartImage.objects.all():
        svg = ElementTree.fromstring(image.svg)
        assert svg.tag == f"{SVG}svg" and svg.get("width") == str(image.width)
        assert not list(svg.iter(f"{SVG}script"))
        assert (bytes(image.png)[:8] == b"\x89PNG\r\n\x1a\n") == (image.width == PNG_WIDTH)
    texts = {
        "".join(text.itertext())
        for image in ChartImage.objects.all()
        for text in ElementTree.fromstring(image.svg).iter(f"{SVG}text")
    }
    assert "18,161" in texts and any("Disputes" in text for text in texts)

    html = viewer_client.get("/en/reports/2021/mediation/").content.decode()
    assert "plotly-basic" not in html and html.count("data:image/svg+xml;base64,") == 4

    # Drawn once: a second pass draws nothing, and --prune deletes only what no page shows.
    ChartImage.objects.create(key="0" * 64, width=PHONE_WIDTH, height=100, svg="<svg/>")
    again = run("--language", "en", "--prune")
    assert "24 already stored, 0 drawn, 1 pruned" in again, again
    assert not ChartImage.objects.filter(key="0" * 64).exists() and ChartImage.objects.count() == 24


def test_render_charts_without_chromium_says_so_in_one_line(report_2021, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setattr("metrics.charts.rendering.shutil.which", lambda name: None)
    out = run()
    assert out.count("\n") == 1 and "no Chromium" in out and "plotly.js" in out
    assert not ChartImage.objects.exists()


async def never(*args, **kwargs):
    await asyncio.Event().wait()


def test_renderer_kills_a_browser_that_does_not_close_in_time_and_the_next_one_starts(chromium, monkeypatch):
    monkeypatch.setattr(kaleido.Kaleido, "close", never)
    with Renderer(close_timeout=1) as renderer:
        assert renderer.draw(two_bars(), width=PHONE_WIDTH).svg.startswith("<svg")
        process, leaving = renderer.browser_process, time.monotonic()
    assert time.monotonic() - leaving < 8 and process.poll() is not None
    assert group_is_gone(process.pid), "the headless shell's own children went with it"
    assert not [thread for thread in threading.enumerate() if thread.name == "kaleido"]

    monkeypatch.undo()
    with Renderer() as renderer:
        assert renderer.draw(two_bars(), width=PHONE_WIDTH).svg.startswith("<svg")


def test_renderer_gives_up_on_a_drawing_that_never_finishes(chromium, monkeypatch):
    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", never)
    with Renderer(draw_timeout=1) as renderer:
        with pytest.raises(RenderingError, match="kaleido did not draw within 3 s"):
            renderer.draw(two_bars(), width=PHONE_WIDTH)


def test_render_charts_keeps_what_it_drew_before_a_drawing_failed(chromium, report_2021, monkeypatch):
    draw, calls = Renderer.draw, []

    def fails_on_the_fourth(self, payload, *, width):
        calls.append(width)
        if len(calls) == 4:
            raise RenderingError("kaleido could not draw a svg: the browser went away")
        return draw(self, payload, width=width)

    monkeypatch.setattr(Renderer, "draw", fails_on_the_fourth)
    with pytest.raises(CommandError, match="the browser went away; the drawings made before it are stored"):
        run("--language", "en")
    wanted = list(wanted_drawings(["en"]))
    assert sorted(ChartImage.objects.values_list("key", flat=True)) == sorted(wanted[:3])
