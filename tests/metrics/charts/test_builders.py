"""Chart builders are pure: rows in, a plotly figure or tiles out. These check the rules on the traces, not pixels."""

import json
import re
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from common.languages import citation
from metrics import selectors
from metrics.changes import describe
from metrics.charts.builders import (
    APPROX_PATTERN,
    BAR_COLOUR,
    LINE_BREAK,
    MAX_AXIS_RATIO,
    PLOTLY_CONFIG,
    PREVIOUS_BAR_COLOUR,
    axis_ticks,
    build_bar_chart,
    plotly_text,
    section_charts,
    shares_an_axis,
    wrap_balanced,
)
from metrics.charts.rows import Chart, ChartRow, chart_rows
from metrics.charts.specs import SECTION_CHARTS, chart_spec
from metrics.choices import Unit
from metrics.models import Figure
from tests.factories import make_figure, make_mediation_2022, make_report, make_section

SOURCE = "萬州區公安局《2021年工作綜述》"


def bar_chart(rows, **options) -> go.Figure:
    """``build_bar_chart``'s figure as plotly.py reads it, which refuses any property plotly.js does not know."""
    return go.Figure(build_bar_chart(rows, **options))


def row(code, value, unit="起", qualifier="exact", paragraph=19, display=None, **extra):
    return ChartRow(
        code=code,
        year=2021,
        label=code,
        value=Decimal(value),
        unit=unit,
        qualifier=qualifier,
        display=display or f"{value}{unit}",
        source_paragraph=paragraph,
        **extra,
    )


def csv_url(key: str) -> str:
    return f"/charts/{key}.csv"


def charts_2021(report) -> dict[str, list[Chart]]:
    return {
        section.slug: section_charts(
            section.slug,
            chart_rows(Figure.objects.with_context().filter(section=section), section_url=section.get_absolute_url()),
            source=SOURCE,
            year=2021,
            csv_url=csv_url,
        )
        for section in report.sections.all()
    }


@pytest.mark.django_db
def test_section_charts_every_2021_chart_follows_the_comparison_rules(report_2021):
    for slug, charts in charts_2021(report_2021).items():
        assert [chart.key for chart in charts] == [spec.key for spec in SECTION_CHARTS[slug]], slug
        for chart, spec in zip(charts, SECTION_CHARTS[slug], strict=True):
            assert [r.code for r in chart.rows] == list(spec.codes), "a spec names a code the report lacks"
            assert chart.kind == spec.kind, f"{chart.key} fell back to tiles"
            if chart.kind == "tiles":
                continue
            (trace,) = chart.payload["data"]
            layout = chart.payload["layout"]
            assert trace["type"] == "bar" and len(trace["x"]) >= 2
            assert len({r.unit for r in chart.rows}) == 1
            assert layout["xaxis"]["range"][0] == 0
            assert max(trace["x"]) <= min(trace["x"]) * MAX_AXIS_RATIO
            assert not any(key.startswith(("xaxis2", "yaxis2")) for key in layout)
            assert trace["text"] == [r.display for r in chart.rows]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_every_chart_is_the_figure_plotly_itself_writes(report_2021, language):
    """The builders write plotly.js's JSON by hand: plotly.py loads each 2021 chart, one year and two,
    refusing any property plotly.js does not know, and writes back exactly the same figure."""
    with translation.override(language):
        charts = [*(chart for charts in charts_2021(report_2021).values() for chart in charts)]
        charts += two_year_charts(report_2021).values()
    drawn = [chart for chart in charts if chart.kind == "bars"]
    assert len(drawn) >= 12 and any(len(chart.payload["data"]) == 2 for chart in drawn)
    for chart in drawn:
        figure = {"data": chart.payload["data"], "layout": chart.payload["layout"]}
        assert json.loads(go.Figure(figure).to_json()) == figure, chart.key


@pytest.mark.django_db
def test_section_charts_label_the_report_figures_exactly(report_2021):
    charts = {chart.key: chart for chart in charts_2021(report_2021)["mediation"]}
    assert charts["resolution-rates"].payload["data"][0]["text"] == ["98.66%", "99.12%", "90.98%", "87.75%"]
    tiles = {r.code: r for r in charts["follow-up"].rows + charts["household-visits"].rows}
    assert tiles["mediation.lawyer_resolution_rate"].chart_text == "91.59%"
    households = tiles["mediation.special_group_households_visited"]
    assert households.chart_text == "近9萬戶"
    assert households.qualifier_text == "近似（近、約）"
    assert households.href == "/reports/2021/mediation/#figure-mediation.special_group_households_visited"


def test_chart_specs_have_unique_keys_and_figures_per_section():
    for slug, specs in SECTION_CHARTS.items():
        keys = [spec.key for spec in specs]
        codes = [code for spec in specs for code in spec.codes]
        assert len(keys) == len(set(keys)) and len(codes) == len(set(codes)), slug
        assert all(code.startswith(f"{slug}.") for code in codes)
        assert specs[0].kind == "bars", "the overview shows a section's first chart"
    assert chart_spec("mediation", "disputes").codes[0] == "mediation.disputes_screened"
    assert chart_spec("mediation", "nope") is None and chart_spec("nope", "disputes") is None


@pytest.mark.parametrize(
    ("rows", "shared"),
    [
        ([row("a", "23"), row("b", "1"), row("c", "38")], True),
        ([row("a", "5")], False),
        ([row("a", "29", "件"), row("b", "61", "人")], False),
        ([row("a", "3312"), row("b", "19")], False),
        ([row("a", "100"), row("b", "1")], True),
        ([row("a", "0"), row("b", "0")], True),
        ([row("a", "-1"), row("b", "3")], False),
    ],
)
def test_shares_an_axis_needs_two_values_of_one_unit_within_the_ratio(rows, shared):
    assert shares_an_axis(rows) is shared


@pytest.mark.parametrize(
    "rows",
    [[row("a", "5")], [row("a", "29", "件"), row("b", "61", "人")], [row("a", "3312"), row("b", "19")]],
)
def test_build_bar_chart_refuses_rows_that_may_not_share_an_axis(rows):
    with pytest.raises(ValueError, match="one unit"):
        build_bar_chart(rows, title="t", source=SOURCE)


def test_build_bar_chart_one_zero_based_fixed_axis_with_wan_ticks():
    figure = bar_chart(
        [row("screened", "18161", display="18,161起"), row("resolved", "17918", display="17,918起")],
        title="矛盾糾紛：排查與化解（起）",
        source=SOURCE,
    )
    (trace,) = figure.data
    assert list(trace.x) == [18161.0, 17918.0] and list(trace.text) == ["18,161起", "17,918起"]
    xaxis = figure.layout.xaxis
    assert xaxis.range[0] == 0 and xaxis.range[1] >= 18161
    assert list(xaxis.ticktext) == ["0", "5,000", "1萬", "1.5萬", "2萬"]
    assert xaxis.fixedrange and figure.layout.yaxis.fixedrange and figure.layout.dragmode is False
    assert xaxis.title.text == "單位：起"


def test_build_bar_chart_hatches_approximate_values_and_writes_their_label_outside():
    figure = bar_chart(
        [row("households", "90000", "戶", "approx", display="近9萬戶"), row("more", "80000", "戶")],
        title="走訪",
        source=SOURCE,
    )
    (trace,) = figure.data
    assert list(trace.marker.pattern.shape) == [APPROX_PATTERN, ""]
    assert list(trace.textposition) == ["outside", "auto"]
    assert trace.outsidetextfont.color == "#1a1a1a"
    note = figure.layout.annotations[-1].text.replace(LINE_BREAK, "")
    assert "第 19 段" in note and "約數" in note


def test_build_bar_chart_marks_corrected_values_and_says_so_in_the_note():
    figure = bar_chart(
        [row("a", "23", is_correction=True, stated_display="32起"), row("b", "38")], title="t", source=SOURCE
    )
    assert list(figure.data[0].text) == ["23起（更正）", "38起"]
    assert "更正" in figure.layout.annotations[-1].text.replace(LINE_BREAK, "")


@pytest.mark.django_db
def test_chart_rows_read_corrections_and_link_each_figure_to_its_row():
    section = make_section(make_report(2021), "mediation")
    make_figure(
        section,
        1,
        value=Decimal(17918),
        stated_value=Decimal(17819),
        correction_reason="核對原始台賬",
        source_quote="化解矛盾糾紛17819起",
    )
    make_figure(section, 2, value=Decimal(5))
    rows = chart_rows(Figure.objects.with_context().filter(section=section), section_url="/reports/2021/x/")
    corrected, plain = rows["mediation.test_1"], rows["mediation.test_2"]
    assert corrected.chart_text == "17,918起（更正）" and corrected.stated_display == "17,819起"
    assert (corrected.year, corrected.label) == (2021, "測試數據 1")
    assert plain.chart_text == "5起" and plain.stated_display == ""
    assert plain.href == "/reports/2021/x/#figure-mediation.test_2"


def test_section_charts_show_tiles_when_edited_figures_no_longer_share_an_axis():
    rows = {
        "mediation.disputes_screened": row("mediation.disputes_screened", "100", "起"),
        "mediation.disputes_resolved": row("mediation.disputes_resolved", "90", "件"),
        "mediation.enterprise_criminal_cases": row("mediation.enterprise_criminal_cases", "19"),
    }
    charts = section_charts("mediation", rows, source=SOURCE, year=2022, csv_url=csv_url)
    assert [(chart.key, chart.kind) for chart in charts] == [
        ("disputes", "tiles"),
        ("enterprise-cases", "tiles"),
    ]
    assert charts[0].payload is None
    assert charts[0].filename == "wanzhou-2022-mediation-disputes"
    assert charts[0].csv_url == "/charts/disputes.csv" and charts[0].dom_id == "chart-mediation-disputes"


def test_section_charts_payload_turns_plotly_ui_off_but_png_export_stays_possible():
    rows = {code: row(code, "10") for code in SECTION_CHARTS["crackdown"][2].codes}
    (chart,) = section_charts("crackdown", rows, source=SOURCE, year=2021, csv_url=csv_url)
    assert chart.payload["config"] == PLOTLY_CONFIG
    assert PLOTLY_CONFIG["staticPlot"] and PLOTLY_CONFIG["displayModeBar"] is False
    assert PLOTLY_CONFIG["locale"] == "zh-TW"
    assert chart.payload["layout"]["title"]["text"] == "涉槍涉爆案件（起）"


@pytest.mark.parametrize(
    ("maximum", "unit", "texts"),
    [
        ("38", "起", ["0", "10", "20", "30", "40"]),
        ("99.12", "%", ["0%", "20%", "40%", "60%", "80%", "100%"]),
        ("90000", "戶", ["0", "2萬", "4萬", "6萬", "8萬", "10萬"]),
        ("250000000", "元", ["0", "5,000萬", "1億", "1.5億", "2億", "2.5億"]),
    ],
)
def test_axis_ticks_reach_past_the_maximum_in_chinese_units(maximum, unit, texts):
    values, labels = axis_ticks(Decimal(maximum), unit)
    assert labels == texts
    assert values[0] == 0 and values[-1] >= float(maximum)


def test_wrap_balanced_splits_into_even_lines():
    assert wrap_balanced("環保類刑事案件立案", 8) == "環保類刑事\n案件立案"
    assert wrap_balanced("起訴", 8) == "起訴"


def two_year_charts(report_2021) -> dict[str, Chart]:
    """The 2022 test mediation section's charts, with the 2021 fixture's figures as last year's."""
    section = make_mediation_2022()
    figures = Figure.objects.filter(section=section)
    rows = chart_rows(
        figures,
        section_url=section.get_absolute_url(),
        comparisons=selectors.year_before(report=section.report).comparisons(figures),
        previous_url="/reports/2021/mediation/",
    )
    charts = section_charts(
        "mediation", rows, source="2022 測試", year=2022, csv_url=csv_url, previous_year=2021, previous_source=SOURCE
    )
    return {chart.key: chart for chart in charts}


@pytest.mark.django_db
def test_section_charts_group_last_years_bar_beside_this_years_on_one_axis(report_2021):
    chart = two_year_charts(report_2021)["disputes"]
    assert chart.kind == "bars" and chart.previous_year == 2021
    last, this = chart.payload["data"]
    assert (last["name"], this["name"]) == ("2021 年", "2022 年")
    assert last["x"] == [18161.0, 17918.0] and last["text"] == ["18,161起", "17,918起"]
    assert this["x"] == [20000.0, 19726.0] and this["text"] == ["2萬起", "19,726起"]
    assert last["marker"]["color"] == PREVIOUS_BAR_COLOUR != this["marker"]["color"] == BAR_COLOUR
    layout = chart.payload["layout"]
    assert layout["barmode"] == "group" and layout["showlegend"] is True
    assert layout["xaxis"]["range"][0] == 0 and layout["xaxis"]["range"][1] >= 20000
    note = layout["annotations"][-1]["text"].replace("<br>", "")
    assert "2022 測試，第 3 段" in note and f"2021 年數值：{SOURCE}，第 19 段" in note
    assert chart.source.endswith(f"2021 年數值：{SOURCE}，第 19 段")
    assert chart.rows[0].previous.href == "/reports/2021/mediation/#figure-mediation.disputes_screened"


@pytest.mark.django_db
def test_section_charts_label_both_years_with_their_stated_places(report_2021):
    chart = two_year_charts(report_2021)["resolution-rates"]
    last, this = chart.payload["data"]
    assert last["text"] == ["98.66%", "99.12%", "90.98%", "87.75%"]
    assert this["text"] == ["98.63%", "99.20%", "92.5%", "85.31%"]
    assert [describe(row.change) for row in chart.rows] == [
        "▼ −0.03 個百分點",
        "▲ +0.08 個百分點",
        "▲ +1.52 個百分點",
        "▼ −2.44 個百分點",
    ]


@pytest.mark.django_db
def test_section_charts_tiles_carry_last_years_value_and_the_change_not_a_bar(report_2021):
    charts = two_year_charts(report_2021)
    assert charts["follow-up"].payload is None and charts["follow-up"].previous_year == 2021
    tiles = {row.code: row for row in charts["follow-up"].rows + charts["household-visits"].rows}
    visits = tiles["mediation.return_visits"]
    assert (visits.previous.chart_text, describe(visits.change)) == ("1,087次", "▲ +113次（+10.4%）")
    rate = tiles["mediation.lawyer_resolution_rate"]
    assert (rate.previous.chart_text, describe(rate.change)) == ("91.59%", "▲ +2.58 個百分點")
    households = tiles["mediation.special_group_households_visited"]
    assert (households.previous.chart_text, households.chart_text) == ("近9萬戶", "近10萬戶")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "names", "last_labels"),
    [
        ("zh-hans", ["2021 年", "2022 年"], ["18,161起", "17,918起"]),
        ("en", ["2021", "2022"], ["18,161", "17,918"]),
    ],
)
def test_section_charts_name_both_years_in_the_page_language(report_2021, language, names, last_labels):
    with translation.override(language):
        chart = two_year_charts(report_2021)["disputes"]
        note = chart.payload["layout"]["annotations"][-1]["text"].replace("<br>", "")
    assert [trace["name"] for trace in chart.payload["data"]] == names
    assert chart.payload["data"][0]["text"] == last_labels
    assert ("2021 values: " if language == "en" else "2021 年数值：") in note


def test_build_bar_chart_says_so_where_last_year_did_not_state_a_metric():
    last = row("a", "30", paragraph=7, display="30起", is_correction=True, stated_display="33起")
    rows = [row("a", "23", previous=last), row("b", "38")]
    figure = bar_chart(rows, title="t", source=SOURCE, year=2022, previous_year=2021, previous_source="上年")
    previous, current = figure.data
    assert list(previous.x) == [30.0, None] and list(previous.text) == ["30起（更正）", ""]
    assert list(current.x) == [23.0, 38.0]
    (missing, note) = figure.layout.annotations
    assert missing.text == "2021 年無可比數值" and missing.y == 1 - 0.2 and missing.x == 0
    note = note.text.replace(LINE_BREAK, "")
    assert "2021 年數值：上年，第 7 段" in note and "更正" in note


def test_build_bar_chart_draws_this_year_only_when_last_years_values_break_the_axis():
    rows = [row("a", "500", previous=row("a", "1")), row("b", "400", previous=row("b", "300"))]
    figure = bar_chart(rows, title="t", source=SOURCE, year=2022, previous_year=2021, previous_source="上年")
    (trace,) = figure.data
    assert list(trace.x) == [500.0, 400.0] and figure.layout.showlegend is False
    assert "見數據表" in figure.layout.annotations[-1].text.replace(LINE_BREAK, "")


def test_section_charts_keep_a_single_metric_a_tile_though_two_years_state_it():
    screened = row("mediation.disputes_screened", "20000", previous=row("mediation.disputes_screened", "18161"))
    (chart,) = section_charts(
        "mediation",
        {screened.code: screened},
        source=SOURCE,
        year=2022,
        csv_url=csv_url,
        previous_year=2021,
        previous_source="上年",
    )
    assert chart.kind == "tiles" and chart.payload is None and chart.previous_year == 2021


def test_section_charts_without_last_years_values_name_no_year():
    rows = {code: row(code, "10") for code in SECTION_CHARTS["crackdown"][2].codes}
    (chart,) = section_charts(
        "crackdown", rows, source=SOURCE, year=2022, csv_url=csv_url, previous_year=2021, previous_source="上年"
    )
    (trace,) = chart.payload["data"]
    assert chart.previous_year is None and chart.payload["layout"]["showlegend"] is False
    assert "年數值" not in chart.source


#: Names an editor could type that are markup to plotly.js: a link, bold, a line break and an
#: entity written out, which must all show as the characters typed.
MARKUP_NAME = '化解率<a href="https://evil.example/x">詳情</a><b>粗</b><br>&lt;'
MARKUP_NAME_EN = 'Resolution <a href="https://evil.example/x">details</a> <b>bold</b><br>&lt; &amp;'
MARKUP_AGENCY = "萬州<b>區</b>公安局&lt;"
MARKUP_AGENCY_EN = "Wanzhou <b>PSB</b> &lt;"

# plotly.js 4.1.1 (static/vendor/plotly), src/lib/svg_text_utils.js: how buildSVGText reads a text.
PLOTLY_NEWLINES = re.compile(r"(\r\n?|\n)")
PLOTLY_SPLIT_TAGS = re.compile(r"(<[^<>]*>)")
PLOTLY_ONE_TAG = re.compile(r"<(\/?)([^ >]*)(\s+(.*))?>", re.IGNORECASE)
PLOTLY_TAG_STYLES = {"sup", "sub", "s", "u", "b", "i", "a", "span", "em"}
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×", "plusmn": "±", "deg": "°"}


def plotly_entity(match: re.Match) -> str:
    code = match.group(1)
    if code.startswith("#x"):
        return chr(int(code[2:], 16))
    if code.startswith("#"):
        return chr(int(code[1:]))
    return PLOTLY_ENTITIES.get(code, match.group(0))


def plotly_draws(text: str) -> tuple[str, list[str]]:
    """What plotly.js draws for ``text``: the characters shown (a ``<br>`` as a newline) and the tags it obeys."""
    shown, tags = [], []
    for part in PLOTLY_SPLIT_TAGS.split(PLOTLY_NEWLINES.sub(" ", text)):
        tag = PLOTLY_ONE_TAG.search(part)
        name = tag.group(2).lower() if tag else None
        if name == "br":
            shown.append("\n")
        elif name in PLOTLY_TAG_STYLES:
            tags.append(part)
        else:
            shown.append(PLOTLY_ENTITY.sub(plotly_entity, part))
    return "".join(shown), tags


def drawn_texts(payload: dict) -> list[str]:
    """Every string of a chart payload's data and layout as plotly.js draws it, failing on any tag it would obey."""
    texts = []

    def walk(value) -> None:
        if isinstance(value, str):
            shown, tags = plotly_draws(value)
            assert tags == [], f"plotly.js reads {tags} in {value!r} as markup"
            texts.append(shown)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload["data"])
    walk(payload["layout"])
    return texts


def draws_literally(payload: dict, text: str) -> bool:
    """Whether some text of the chart shows ``text`` as typed (wrapped lines joined; wrapping may drop a space)."""
    typed = re.sub(r"\s", "", text)
    return any(typed in re.sub(r"\s", "", shown) for shown in drawn_texts(payload))


def test_plotly_text_escapes_markup_and_entities_and_breaks_lines_with_br():
    assert plotly_text('<a href="x">&lt;</a>\n<br>') == '&lt;a href="x"&gt;&amp;lt;&lt;/a&gt;<br>&lt;br&gt;'
    assert plotly_draws(plotly_text(MARKUP_NAME)) == (MARKUP_NAME, [])
    assert plotly_draws(plotly_text("第一行\n第二行")) == ("第一行\n第二行", [])


def markup_sections(year: int = 2022, previous_year: int | None = None) -> tuple:
    """A mediation section whose disputes bars and follow-up tiles are named in markup, in a report whose
    agency is markup, and (with ``previous_year``) last year's section stating the same figures."""

    def section_of(report_year: int):
        report = make_report(report_year, agency=MARKUP_AGENCY, agency_en=MARKUP_AGENCY_EN)
        section = make_section(report, "mediation")
        named = {"name": MARKUP_NAME, "name_en": MARKUP_NAME_EN}
        make_figure(section, 1, code="mediation.disputes_screened", value=Decimal(20000), **named)
        make_figure(section, 2, code="mediation.disputes_resolved", value=Decimal(19726), name="化解矛盾糾紛")
        make_figure(section, 3, code="mediation.return_visits", value=Decimal(1200), unit=Unit.CI, **named)
        make_figure(section, 4, code="mediation.return_visit_rate", value=Decimal(100), unit=Unit.PERCENT)
        return section

    earlier = section_of(previous_year) if previous_year else None
    return section_of(year), earlier


def markup_charts(section, earlier=None) -> dict[str, Chart]:
    figures = Figure.objects.filter(section=section)
    rows = chart_rows(
        figures,
        section_url=section.get_absolute_url(),
        comparisons=selectors.year_before(report=section.report).comparisons(figures),
        previous_url=earlier.get_absolute_url() if earlier else "",
    )
    charts = section_charts(
        "mediation",
        rows,
        source=citation(section.report),
        year=section.report.year,
        csv_url=csv_url,
        previous_year=earlier.report.year if earlier else None,
        previous_source=citation(earlier.report) if earlier else "",
    )
    return {chart.key: chart for chart in charts}


@pytest.mark.django_db
@pytest.mark.parametrize("previous_year", [None, 2021], ids=["one-year", "both-years"])
@pytest.mark.parametrize(
    ("language", "name", "agency"),
    [("zh-hant", MARKUP_NAME, MARKUP_AGENCY), ("en", MARKUP_NAME_EN, MARKUP_AGENCY_EN)],
    ids=["zh-hant", "en"],
)
def test_section_charts_draw_an_editors_markup_in_bar_charts_as_typed(previous_year, language, name, agency):
    with translation.override(language):
        chart = markup_charts(*markup_sections(previous_year=previous_year))["disputes"]
    assert chart.kind == "bars"
    payload = chart.payload
    assert draws_literally(payload, name), "the bar's label"
    assert draws_literally(payload, agency), "the source note"
    if previous_year:
        assert [trace["name"] for trace in payload["data"]] == (
            ["2021 年", "2022 年"] if language == "zh-hant" else ["2021", "2022"]
        )
    # The builder's own line breaks still break lines: the note is several lines.
    assert "\n" in plotly_draws(payload["layout"]["annotations"][-1]["text"])[0]


@pytest.mark.django_db
@pytest.mark.parametrize("previous_year", [None, 2021], ids=["one-year", "both-years"])
def test_section_charts_show_an_editors_markup_in_tiles_and_table_views_as_typed(previous_year):
    charts = markup_charts(*markup_sections(previous_year=previous_year))
    assert charts["follow-up"].kind == "tiles"
    for key in ("follow-up", "disputes"):
        html = render_to_string("includes/_chart.html", {"chart": charts[key]})
        assert escape(MARKUP_NAME) in html and escape(MARKUP_AGENCY) in html, key
        assert 'evil.example/x">' not in html and "<b>" not in html, key


@pytest.mark.parametrize(
    ("text", "width", "unbroken"),
    [
        ("資料來源：萬州區公安局《2021年工作綜述》，第 19 段", 16, ["《2021年工作綜述》，"]),
        ("資料來源：萬州區公安局《2021年工作綜述》，第 19、20 段", 10, ["《2021年工作綜述》，", "19、"]),
        ("Source: Wanzhou District Public Security Bureau, “2021 Work Review”, paragraphs 2021, 2022", 12, ["2021,"]),
    ],
)
def test_wrap_balanced_never_breaks_inside_a_year_or_a_title(text, width, unbroken):
    lines = wrap_balanced(text, width).split(LINE_BREAK)
    assert len(lines) > 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for piece in unbroken:
        assert any(piece in line for line in lines), (piece, lines)
    assert not any(line[0] in "、，。：）》" for line in lines), lines


def test_wrap_balanced_english_label_breaks_between_words_in_half_width_characters():
    assert wrap_balanced("Settlement rate, attention category", 8) == "Settlement\nrate, attention\ncategory"


def test_build_bar_chart_rows_grow_with_their_labels_so_labels_never_overlap():
    short = [row("甲", 10), row("乙", 20)]
    long = [row("一二三四五六七八九十一二三四五六七八九十", 10), row("乙", 20)]
    short_height = bar_chart(short, title="t", source=SOURCE).layout.height
    long_figure = bar_chart(long, title="t", source=SOURCE)
    lines = long_figure.data[0].y[0].count(LINE_BREAK) + 1
    assert lines == 3
    # Each category is at least as tall as its tallest label (16 px a line) plus a gap.
    assert long_figure.layout.height - short_height == 2 * (16 * lines + 14 - 46)


def test_build_bar_chart_english_uses_a_latin_first_font():
    rows = [row("a.one", 10), row("a.two", 20)]
    with translation.override("en"):
        english = bar_chart(rows, title="t", source="Source").layout.font.family
    chinese = bar_chart(rows, title="t", source=SOURCE).layout.font.family
    assert english.startswith("system-ui")
    assert chinese.startswith('"Noto Sans CJK TC"')
