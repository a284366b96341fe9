"""A server drawing is named by its chart's content: any change of a value, a label or the language is a new name.

And a browser that does not start gives a clear error within the renderer's limit (scripts stand in for it;
``tests/metrics/test_render_charts.py`` drives the real one).
"""

import base64
import dataclasses
import io
import os
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from metrics.charts.builders import build_bar_chart, chart_payload
from metrics.charts.rendering import (
    PHONE_WIDTH,
    WIDE_WIDTH,
    Renderer,
    RenderingError,
    browser_path,
    data_uri,
    image_height,
    image_key,
    where_browsers_are_looked_for,
)
from metrics.charts.rows import Chart
from metrics.models import ChartImage
from tests.metrics.charts.test_builders import SOURCE, row


def payload(*rows, title="矛盾糾紛（起）") -> dict:
    return chart_payload(build_bar_chart(list(rows), title=title, source=SOURCE))


def two_bars(first="18161", second="17918", **fields) -> dict:
    return payload(row("排查矛盾糾紛", first), row("化解矛盾糾紛", second), **fields)


def test_image_key_is_the_same_for_the_same_payload_and_width():
    assert image_key(two_bars(), PHONE_WIDTH) == image_key(two_bars(), PHONE_WIDTH)
    assert len(image_key(two_bars(), PHONE_WIDTH)) == 64


def test_image_key_changes_with_the_width_a_value_a_label_and_the_language():
    key = image_key(two_bars(), PHONE_WIDTH)
    assert image_key(two_bars(), WIDE_WIDTH) != key
    assert image_key(two_bars(second="17919"), PHONE_WIDTH) != key
    assert image_key(two_bars(title="矛盾糾紛：排查與化解（起）"), PHONE_WIDTH) != key
    relabelled = payload(row("排查矛盾纠纷", "18161"), row("化解矛盾糾紛", "17918"))
    assert image_key(relabelled, PHONE_WIDTH) != key
    with translation.override("en"):
        english = two_bars()
    assert image_key(english, PHONE_WIDTH) != key


def test_image_key_ignores_the_order_of_a_payloads_keys():
    original = two_bars()
    reordered = {name: original[name] for name in reversed(list(original))}
    assert image_key(reordered, PHONE_WIDTH) == image_key(original, PHONE_WIDTH)


def test_image_height_is_the_layouts():
    chart = two_bars()
    assert image_height(chart) == chart["layout"]["height"] > 0


def test_data_uri_holds_the_svg_text_as_utf8():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>化解率98.66%</text></svg>'
    uri = data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


def test_chart_names_its_drawings_by_width_and_needs_plotly_until_rendered():
    chart = Chart(
        key="disputes",
        kind="bars",
        dom_id="chart-x",
        title="t",
        filename="f",
        rows=(),
        source="",
        csv_url="",
        payload=two_bars(),
    )
    assert chart.image_keys == {width: image_key(chart.payload, width) for width in (PHONE_WIDTH, WIDE_WIDTH)}
    assert chart.phone_image == (chart.image_keys[PHONE_WIDTH], PHONE_WIDTH)
    assert chart.needs_plotly
    assert not dataclasses.replace(chart, rendered=True).needs_plotly
    tiles = dataclasses.replace(chart, kind="tiles", payload=None)
    assert tiles.image_keys == {} and not tiles.needs_plotly


def test_browser_path_is_none_without_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    monkeypatch.setattr("metrics.charts.rendering.shutil.which", lambda name: None)
    assert browser_path() is None


def executable(path):
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_browser_path_prefers_the_headless_shell_and_obeys_browser_path(monkeypatch, tmp_path):
    shell, chromium = executable(tmp_path / "chromium-headless-shell"), executable(tmp_path / "chromium")
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr("metrics.charts.rendering.BROWSERS", (shell, chromium))
    assert browser_path() == shell
    (tmp_path / "chromium-headless-shell").unlink()
    assert browser_path() == chromium
    monkeypatch.setenv("BROWSER_PATH", shell)
    monkeypatch.setattr("metrics.charts.rendering.shutil.which", lambda name: None)
    assert browser_path() is None, "a BROWSER_PATH that is not there is not replaced by another build"
    assert where_browsers_are_looked_for() == shell


def script(path, body: str) -> str:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def group_is_gone(pid: int, *, within: float = 5) -> bool:
    """Whether no process of the group ``pid`` leads is left (killed ones are reaped by init a moment later)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_renderer_says_which_browser_did_not_start(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", script(tmp_path / "chromium", "exit 3"))
    with pytest.raises(RenderingError, match=r"Chromium at .*/chromium did not start: The browser seemed to close"):
        with Renderer():
            pass


def test_renderer_gives_up_on_a_browser_that_never_answers_and_kills_it(monkeypatch, tmp_path):
    pid_file = tmp_path / "pid"
    monkeypatch.setenv("BROWSER_PATH", script(tmp_path / "chromium", f"echo $$ > {pid_file}\nexec sleep 600"))
    started = time.monotonic()
    with pytest.raises(RenderingError, match=r"did not start Chromium at .*/chromium within 1 s"):
        with Renderer(start_timeout=1):
            pass
    assert time.monotonic() - started < 15, "no graceful close (20 s) is asked of a browser that never answered"
    assert group_is_gone(int(pid_file.read_text()))


@pytest.mark.django_db
def test_render_charts_turns_a_browser_that_does_not_start_into_a_command_error(report_2021, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", script(tmp_path / "chromium", "exit 3"))
    with pytest.raises(CommandError, match="did not start.*pages draw the rest in the browser"):
        call_command("render_charts", stdout=io.StringIO())
    assert not ChartImage.objects.exists()
