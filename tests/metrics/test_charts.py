"""Chart builders are pure: rows in, plotly Figure out. These check the traces, not pixels."""

from decimal import Decimal

import plotly.graph_objects as go
import pytest

from metrics.charts import (
    APPROX_PATTERN,
    SECTION_CHARTS,
    ChartRow,
    build_bar_chart,
    build_funnel_chart,
    chart_rows,
    section_charts,
    split_panels,
)
from metrics.models import Figure

SOURCE = "萬州區公安局《2021年工作綜述》"


def row(code, value, unit="起", qualifier="exact", label=None, paragraph=19, display=None):
    return ChartRow(
        code=code,
        label=label or code,
        value=Decimal(value),
        unit=unit,
        qualifier=qualifier,
        display=display or f"{value}{unit}",
        source_paragraph=paragraph,
    )


def test_build_funnel_chart_has_stages_in_order_with_formatted_text():
    rows = [row("screened", "18161", display="18,161起"), row("resolved", "17918", display="17,918起")]
    figure = build_funnel_chart(rows, title="排查到化解", source=SOURCE)
    (trace,) = figure.data
    assert isinstance(trace, go.Funnel)
    assert list(trace.y) == ["screened", "resolved"]
    assert list(trace.x) == [18161.0, 17918.0]
    assert list(trace.text) == ["18,161起", "17,918起"]
    assert figure.layout.title.text == "排查到化解"
    assert figure.layout.xaxis.title.text == "單位：起"


def test_build_funnel_chart_refuses_mixed_units():
    with pytest.raises(ValueError, match="one unit"):
        build_funnel_chart([row("a", "29", "件"), row("b", "61", "人")], title="t", source=SOURCE)


def test_build_bar_chart_puts_each_unit_in_its_own_panel_with_the_unit_on_its_axis():
    rows = [row("filed", "29", "件"), row("solved", "29", "件"), row("held", "61", "人"), row("referred", "64", "人")]
    figure = build_bar_chart(rows, title="環保", source=SOURCE)
    assert [list(trace.y) for trace in figure.data] == [["filed", "solved"], ["held", "referred"]]
    assert [list(trace.x) for trace in figure.data] == [[29.0, 29.0], [61.0, 64.0]]
    assert figure.layout.xaxis.title.text == "單位：件"
    assert figure.layout.xaxis2.title.text == "單位：人"


def test_split_panels_separates_values_of_very_different_size_within_a_unit():
    panels = split_panels([row("big", "3312"), row("small", "19"), row("small2", "21")])
    assert [[r.code for r in panel] for panel in panels] == [["big"], ["small"], ["small2"]]


def test_split_panels_keeps_comparable_values_together():
    panels = split_panels([row("a", "581", "個"), row("b", "146", "個")])
    assert [[r.code for r in panel] for panel in panels] == [["a", "b"]]


def test_build_bar_chart_hatches_approximate_values_and_labels_them():
    rows = [
        row("households", "90000", "戶", "approx", display="近9萬戶", paragraph=21),
        row("sites", "1631", "個", display="1,631個", paragraph=21),
    ]
    figure = build_bar_chart(rows, title="走訪", source=SOURCE)
    approx_trace, exact_trace = figure.data
    assert list(approx_trace.text) == ["近9萬戶"]
    assert list(approx_trace.marker.pattern.shape) == [APPROX_PATTERN]
    assert list(exact_trace.marker.pattern.shape) == [""]
    note = figure.layout.annotations[-1].text.replace("<br>", "")
    assert "第 21 段" in note and "約數" in note


def test_build_bar_chart_source_line_names_every_paragraph_and_no_approx_note_when_exact():
    rows = [row("a", "23", paragraph=12), row("b", "1", paragraph=12), row("c", "220", "人", paragraph=13)]
    note = build_bar_chart(rows, title="t", source=SOURCE).layout.annotations[-1].text
    assert note.replace("<br>", "") == f"資料來源：{SOURCE}，第 12、13 段"
    assert all(len(line) <= 16 for line in note.split("<br>"))


@pytest.mark.django_db
def test_section_charts_draw_two_to_four_charts_per_section_from_the_2021_figures(report_2021):
    for section in report_2021.sections.all():
        rows = chart_rows(Figure.objects.filter(section=section))
        charts = section_charts(section.slug, rows, source=SOURCE, year=2021)
        assert 2 <= len(charts) <= 4, section.slug
        expected_codes = [code for spec in SECTION_CHARTS[section.slug] for code in spec.codes]
        shown = [r.code for chart in charts for r in chart["rows"]]
        assert shown == expected_codes
        for chart in charts:
            payload = chart["payload"]
            assert payload["config"]["toImageButtonOptions"]["format"] == "png"
            assert payload["layout"]["title"]["text"] == chart["title"]
            assert payload["data"], chart["key"]


@pytest.mark.django_db
def test_section_charts_mediation_funnel_shows_screened_then_resolved(report_2021):
    rows = chart_rows(Figure.objects.filter(section__slug="mediation"))
    funnel = section_charts("mediation", rows, source=SOURCE, year=2021)[0]
    (trace,) = funnel["payload"]["data"]
    assert trace["type"] == "funnel"
    assert trace["x"] == [18161.0, 17918.0]
    assert trace["text"] == ["18,161起", "17,918起"]


def test_section_charts_skip_specs_without_data_and_draw_bars_when_a_funnel_mixes_units():
    rows = {
        "mediation.disputes_screened": row("mediation.disputes_screened", "100", "起"),
        "mediation.disputes_resolved": row("mediation.disputes_resolved", "90", "件"),
    }
    charts = section_charts("mediation", rows, source=SOURCE, year=2022)
    assert [chart["key"] for chart in charts] == ["disputes-funnel"]
    assert {trace["type"] for trace in charts[0]["payload"]["data"]} == {"bar"}
