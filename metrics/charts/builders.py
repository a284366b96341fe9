"""Chart builders: plain rows in, a plotly figure or number tiles out (no request, no template).

A figure is plotly.js's own JSON (``PlotlyFigure``: the ``data`` and ``layout`` that ``Plotly.newPlot``
takes), written as dicts: building it through plotly.py's validating objects took about 20 ms a chart,
three fifths of a section page's time. The tests load every figure the builders make into
``plotly.graph_objects.Figure``, which refuses any property plotly.js does not know.

Which figures each section's charts show is data (``metrics.charts.specs``). The comparison rules:

1. Bars compare quantities of one unit, on one zero-based axis, in one chart
   with one axis: never one bar alone, never one unit split over panels.
2. A single quantity, or quantities in different units, are number tiles (the
   value with its qualifier and unit, its name, a link to its provenance), not bars.
3. Quantities too far apart for one axis (the largest more than
   ``MAX_AXIS_RATIO`` times the smallest) go to tiles or separate charts,
   never to an axis per bar.

A spec of kind ``bars`` whose figures break rule 1 or 3 (after an edit, or in a
later year) is shown as tiles. Labels state the report's figures exactly, as
``metrics.formatting`` writes them (98.66%, 近9萬戶); approximate bars are
hatched and a corrected value is marked (``rows.CORRECTION_MARK``). Axis ticks use 萬/億.

Every text is plain text, an editor's names included: the builders write it as
it reads, with ``LINE_BREAK`` between wrapped lines, and ``chart_payload`` (the one
way a figure reaches a page) escapes it for plotly.js, which would otherwise draw
``<a>``, ``<b>`` or ``<span style>`` in a name as markup (``plotly_text``).

Year over year: a row (``metrics.charts.rows``) may carry last year's row (the previous
published report's figure of the same code and unit) and the change. A bar chart then groups last
year's bar (muted) beside this year's on the same axis, with a legend naming both
years; whether a spec is drawn as bars at all is decided on this year's rows alone,
so a single quantity stays a tile however many years state it. A metric without a
comparable value last year (absent, or in another unit) keeps its single bar, and its
empty slot says so, so a missing bar never reads as zero. Tiles and table views show last year's value
and the change (``metrics.changes``), never a bar.
"""

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from common.languages import ENGLISH, SIMPLIFIED, current_language, to_simplified
from metrics.charts.rows import Chart, ChartRow
from metrics.charts.specs import UNIT_CHART_TITLE, specs_for
from metrics.choices import Unit
from metrics.formatting import MILLION, WAN, YI, grouped_number, unit_code, unit_label

#: The largest bar on an axis may be at most this many times the smallest (which is then
#: still 1% of the axis, a few pixels on a phone, and labelled with its value).
MAX_AXIS_RATIO = 100

#: This year's bars: the portal's brand colour (`--brand` in static/css/portal.css).
BAR_COLOUR = "#1f4e79"
#: Last year's bars: the same hue, lighter, dark labels (5.6:1 on it); 3:1 against the white page.
PREVIOUS_BAR_COLOUR = "#7393b7"
PREVIOUS_NOTE_COLOUR = "#555"
APPROX_PATTERN = "/"
BAR_HEIGHT = 46
#: A metric with last year's bar beside this year's.
GROUP_HEIGHT = 68
#: Room above the plot for the legend naming the two years.
LEGEND_HEIGHT = 26
PLOT_PADDING = 30
CHART_MARGIN = {"l": 10, "r": 24, "t": 40}
#: Below the plot: tick labels and the axis title, then the source note, ``NOTE_LINE_HEIGHT`` a line.
AXIS_HEIGHT = 56
NOTE_LINE_HEIGHT = 15
TITLE_LINE_HEIGHT = 22
#: Characters per line of a wrapped title, bar label and source note: phones are narrow
#: and plotly wraps none of them; Chinese text may break between any two characters.
TITLE_LINE_CHARS = 18
LABEL_LINE_CHARS = 8
#: A source note uses a phone's chart width (about 330 px of 11-px text) rather than a narrow column.
NOTE_LINE_CHARS = 26
#: Height of one line of a bar's label: a category is at least as tall as its label.
LABEL_LINE_HEIGHT = 16
#: Room to the right of the longest bar for a value label written outside it.
RANGE_HEADROOM = Decimal("1.15")
TICK_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
MAX_TICKS = 5
FONT_FAMILY = '"Noto Sans CJK TC", "WenQuanYi Micro Hei", "Microsoft JhengHei", "PingFang TC", sans-serif'
LATIN_FONT_FAMILY = f'system-ui, "Segoe UI", Roboto, Arial, "Liberation Sans", "DejaVu Sans", {FONT_FAMILY}'
#: How builders break a chart text into lines; ``plotly_text`` turns it into plotly's ``<br>``.
LINE_BREAK = "\n"

#: A plotly.js figure: ``{"data": [trace, ...], "layout": {...}}``, each trace and the layout plotly.js's JSON.
PlotlyFigure = dict
#: plotly's "none" template (no theme: every colour, font and margin is the builders'), as plotly.py wrote
#: it into each figure's JSON when figures were built with it; kept, so the figures and the names of their
#: server-drawn drawings (``rendering.image_key``) stay the same.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}

#: plotly.js options: a static drawing (every bar is labelled with its value, so hover, zoom
#: and pan add nothing, and a static plot draws faster); the portal's own toolbar
#: (templates/includes/_chart.html) replaces plotly's mode bar; texts in the page's language.
PLOTLY_CONFIG = {
    "staticPlot": True,
    "displayModeBar": False,
    "displaylogo": False,
    "responsive": True,
    "locale": "zh-TW",
}


def shares_an_axis(rows: Sequence[ChartRow]) -> bool:
    """Rules 1 and 3: at least two rows, one unit, no negative value, within ``MAX_AXIS_RATIO``."""
    if len(rows) < 2 or len({row.unit for row in rows}) != 1 or any(row.value < 0 for row in rows):
        return False
    positive = [row.value for row in rows if row.value > 0]
    return not positive or max(positive) <= min(positive) * MAX_AXIS_RATIO


def paragraph_list(rows: Sequence[ChartRow]) -> str:
    """'4、6': the paragraphs the rows come from, in order."""
    return _("、").join(str(paragraph) for paragraph in sorted({row.source_paragraph for row in rows}))


def source_line(rows: Sequence[ChartRow], source: str) -> str:
    """'資料來源：<source>，第 4、6 段' — the paragraphs the rows come from, in order."""
    return _("資料來源：%(source)s，第 %(paragraphs)s 段") % {"source": source, "paragraphs": paragraph_list(rows)}


def previous_rows(rows: Sequence[ChartRow]) -> list[ChartRow]:
    """Last year's rows of ``rows``, in their order (rows last year's report lacks are left out)."""
    return [row.previous for row in rows if row.previous is not None]


def previous_source_line(rows: Sequence[ChartRow], *, year: int, source: str) -> str:
    """'2021 年數值：<source>，第 19 段' — where last year's values of ``rows`` come from."""
    return _("%(year)s 年數值：%(source)s，第 %(paragraphs)s 段") % {
        "year": year,
        "source": source,
        "paragraphs": paragraph_list(previous_rows(rows)),
    }


def year_name(year: int) -> str:
    """A year as the legend names it: '2021 年', '2021'."""
    return _("%(year)s 年") % {"year": year}


#: A token of chart text that never breaks: a title in 《》 or 「」 with its brackets, a run of
#: Latin letters and digits (a year, "2,022", "98.66%"), or one other character. Closing
#: punctuation joins the token before it and opening punctuation the one after, so no line
#: starts with 、 or ends with （.
_TOKEN = re.compile(r"《[^》]{0,20}》|「[^」]{0,20}」|“[^”]{0,40}”|[0-9A-Za-z][0-9A-Za-z.,%:/'’\-]*|\s+|.")
_CLOSING = set("、，。：；！？）」》”,.;:!?)%")
_OPENING = set("（「《“(")


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _text_width(text: str) -> float:
    """Width in Chinese characters: a Latin letter, digit or space is about half of one."""
    return sum(1 if _is_cjk(char) else 0.5 for char in text)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        if tokens and (token[0] in _CLOSING or tokens[-1][-1] in _OPENING) and not token.isspace():
            tokens[-1] += token
        else:
            tokens.append(token)
    return tokens


def wrap_lines(text: str, width: int = NOTE_LINE_CHARS) -> str:
    """Break text into ``LINE_BREAK``-separated lines at most ``width`` Chinese characters wide.

    Lines break between words and between Chinese characters, never inside a number, a
    year or a quoted title (《2021年工作綜述》), and never before closing punctuation; a
    token wider than a line gets a line of its own. Latin text counts half a character a letter.
    """
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if line and not token.isspace() and _text_width(line.rstrip() + token) > width:
            lines.append(line.rstrip())
            line = ""
        if line or not token.isspace():
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return LINE_BREAK.join(lines) or text


def wrap_balanced(text: str, width: int) -> str:
    """Like ``wrap_lines`` with as few lines, but of even length: 9 characters at width 8 → 5 + 4, not 8 + 1."""
    if not text:
        return text
    wrapped = wrap_lines(text, width)
    lines = wrapped.count(LINE_BREAK) + 1
    for narrower in range(width - 1, 0, -1):
        candidate = wrap_lines(text, narrower)
        if candidate.count(LINE_BREAK) + 1 > lines:
            break
        wrapped = candidate
    return wrapped


def note_lines(text: str) -> str:
    """A part of a chart's source note, wrapped into even lines so no line holds a lone '段'."""
    return wrap_balanced(text, NOTE_LINE_CHARS)


def font_family() -> str:
    """The chart font for the page's language: Latin first on English pages, as the page's CSS."""
    return LATIN_FONT_FAMILY if current_language() == ENGLISH else FONT_FAMILY


def tick_step(maximum: Decimal) -> Decimal:
    """The smallest 1/2/2.5/5 × 10ⁿ step that covers ``maximum`` in at most ``MAX_TICKS`` steps."""
    if maximum <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (maximum / MAX_TICKS).adjusted()
    return next(step * magnitude for step in TICK_STEPS if step * magnitude * MAX_TICKS >= maximum)


def tick_text(value: Decimal, unit) -> str:
    """An axis tick as the page's readers write it: '0', '5,000', '1.5萬' ('1.5万'), '2億', '40%';
    in English '15,000', '2M'."""
    if unit_code(unit) == Unit.PERCENT:
        return f"{grouped_number(value)}%"
    language = current_language()
    if language == ENGLISH:
        if value >= MILLION:
            return f"{grouped_number(value / MILLION)}M"
        return grouped_number(value)
    if value >= YI:
        text = f"{grouped_number(value / YI)}億"
    elif value >= WAN:
        text = f"{grouped_number(value / WAN)}萬"
    else:
        return grouped_number(value)
    return to_simplified(text) if language == SIMPLIFIED else text


def axis_ticks(maximum: Decimal, unit) -> tuple[list[float], list[str]]:
    """Tick values from 0 past ``maximum`` and their texts (``tick_text``)."""
    step = tick_step(maximum)
    values = [step * index for index in range(MAX_TICKS + 1) if step * (index - 1) < maximum]
    return [float(value) for value in values], [tick_text(value, unit) for value in values]


def _title(text: str) -> tuple[str, int]:
    wrapped = wrap_balanced(text, TITLE_LINE_CHARS)
    return wrapped, wrapped.count(LINE_BREAK) + 1


def draws_both_years(rows: Sequence[ChartRow]) -> bool:
    """Whether last year's bars go beside this year's: some row has last year's value, and
    this year's and last year's values together keep rules 1 and 3 on one axis."""
    before = previous_rows(rows)
    return bool(before) and shares_an_axis([*rows, *before])


def bar_trace(
    rows: Sequence[ChartRow | None],
    categories: list[str],
    *,
    horizontal: bool = True,
    colour: str = BAR_COLOUR,
    text_colour: str | None = None,
    name: str | None = None,
) -> dict:
    """The bar trace of ``rows``, one per category, labelled with the report's text, approximate ones hatched.

    A category without a row (None) keeps its slot empty. Horizontal bars list the
    categories down the y axis, vertical ones along the x axis. With ``text_colour`` a
    label goes inside its bar in that colour when it fits, and outside in dark text
    when it does not or the bar is hatched (the hatching would cross it); without,
    plotly places every label (``auto``). ``name`` names the trace in a legend.
    """
    values = [float(row.value) if row else None for row in rows]
    placement = {"textposition": "auto"}
    if text_colour is not None:
        placement = {
            "textposition": ["outside" if row and row.is_approximate else "auto" for row in rows],
            "insidetextfont": {"color": text_colour},
            "outsidetextfont": {"color": "#1a1a1a"},
        }
    return {
        "type": "bar",
        **({"orientation": "h"} if horizontal else {}),
        **({"name": name} if name is not None else {}),
        "x": values if horizontal else categories,
        "y": categories if horizontal else values,
        "text": [row.chart_text if row else "" for row in rows],
        "cliponaxis": False,
        "marker": {
            "color": colour,
            "pattern": {
                "shape": [APPROX_PATTERN if row and row.is_approximate else "" for row in rows],
                "fgcolor": "#ffffff",
                "fillmode": "overlay",
            },
        },
        **placement,
    }


def build_bar_chart(
    rows: Sequence[ChartRow],
    *,
    title: str,
    source: str,
    year: int | None = None,
    previous_year: int | None = None,
    previous_source: str = "",
) -> PlotlyFigure:
    """Horizontal bars of one unit on one zero-based axis, labelled with the report's text.

    Approximate rows are hatched and their label written outside the bar in dark
    text; ticks read in 萬/億; nothing zooms or pans. Raises ValueError when the
    rows may not share an axis (``shares_an_axis``).

    With ``year`` and ``previous_year``, and rows carrying last year's row
    (``draws_both_years``), each metric gets last year's bar (muted, first) and this
    year's side by side, a legend names both years, the empty slot of a metric last
    year lacks says so, and the note cites ``previous_source`` for last year's values.
    When last year's values would break the axis rules, only this year's bars are
    drawn and the note points to the table, which shows both.
    """
    if not shares_an_axis(rows):
        raise ValueError("bars need two or more values of one unit within MAX_AXIS_RATIO of each other")
    comparing = year is not None and previous_year is not None and any(row.previous for row in rows)
    both = comparing and draws_both_years(rows)
    unit = rows[0].unit
    shown = [*rows, *previous_rows(rows)] if both else list(rows)
    maximum = max(row.value for row in shown)
    tickvals, ticktext = axis_ticks(maximum, unit)
    title_text, title_lines = _title(title)
    top = CHART_MARGIN["t"] + TITLE_LINE_HEIGHT * (title_lines - 1) + (LEGEND_HEIGHT if both else 0)
    labels = [wrap_balanced(row.label, LABEL_LINE_CHARS) for row in rows]
    traces = [bar_trace(rows, labels, text_colour="#ffffff", name=year_name(year) if both else None)]
    annotations = []
    if both:
        # Last year's bar is the upper of each pair (the first trace; the axis runs top down).
        traces.insert(
            0,
            bar_trace(
                [row.previous for row in rows],
                labels,
                colour=PREVIOUS_BAR_COLOUR,
                text_colour="#1a1a1a",
                name=year_name(previous_year),
            ),
        )
        annotations = [
            not_stated_annotation(index, previous_year) for index, row in enumerate(rows) if row.previous is None
        ]
    xaxis = {
        "title": {"text": _("單位：%(unit)s") % {"unit": unit_label(unit)}, "standoff": 4},
        "range": [0, float(max(Decimal(tickvals[-1]), maximum * RANGE_HEADROOM))],
        "tickmode": "array",
        "tickvals": tickvals,
        "ticktext": ticktext,
        "fixedrange": True,
        "zeroline": True,
    }
    yaxis = {"automargin": True, "autorange": "reversed", "fixedrange": True}
    note = note_lines(source_line(rows, source))
    if both:
        note += LINE_BREAK + note_lines(previous_source_line(rows, year=previous_year, source=previous_source))
    elif comparing:
        note += LINE_BREAK + note_lines(
            _("%(year)s 年數值與本年相差太大，不宜同軸比較，見數據表") % {"year": previous_year}
        )
    if any(row.is_approximate for row in shown):
        note += LINE_BREAK + note_lines(_("標「近」「餘」及斜線條者為約數"))
    if any(row.is_correction for row in shown):
        note += LINE_BREAK + note_lines(_("標「更正」者為更正後的數值，原文所載見數據表"))
    bottom = AXIS_HEIGHT + NOTE_LINE_HEIGHT * (note.count(LINE_BREAK) + 1)
    label_lines = max(label.count(LINE_BREAK) + 1 for label in labels)
    # The labels' own width, so the source note can start at the chart's left edge, not the plot's.
    left = CHART_MARGIN["l"] + label_margin(labels)
    row_height = max(GROUP_HEIGHT if both else BAR_HEIGHT, LABEL_LINE_HEIGHT * label_lines + 14)
    height = top + bottom + PLOT_PADDING + row_height * len(rows)
    layout = {}
    if both:
        layout = {
            "barmode": "group",
            "bargap": 0.22,
            "bargroupgap": 0.06,
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1,
                "yanchor": "bottom",
                "traceorder": "normal",
                "font": {"size": 12},
            },
        }
    layout |= {
        "template": NO_TEMPLATE,
        "xaxis": xaxis,
        "yaxis": yaxis,
        "title": {"text": title_text, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": font_family(), "size": 13},
        "height": height,
        "margin": {**CHART_MARGIN, "l": left, "t": top + TITLE_LINE_HEIGHT, "b": bottom},
        "showlegend": both,
        "dragmode": False,
        "separators": ".,",
        "annotations": [*annotations, note_annotation(note, bottom=bottom, left=left - CHART_MARGIN["l"])],
    }
    return {"data": traces, "layout": layout}


def not_stated_annotation(index: int, year: int) -> dict:
    """'2021 年無可比數值' in the empty slot of last year's bar of the ``index``-th metric.

    With two bars to a metric, last year's sits a quarter of the category above its
    centre (the axis is reversed, so a smaller position is higher).
    """
    return {
        "text": _("%(year)s 年無可比數值") % {"year": year},
        "showarrow": False,
        "xref": "x",
        "yref": "y",
        "x": 0,
        "y": index - 0.2,
        "xanchor": "left",
        "xshift": 4,
        "yanchor": "middle",
        "font": {"size": 11, "color": PREVIOUS_NOTE_COLOUR},
    }


def label_margin(labels: Sequence[str]) -> int:
    """Pixels the bar labels take left of the plot at 13-px text (a Chinese character 13 px, a Latin one about half)."""
    widest = max((_text_width(line) for label in labels for line in label.split(LINE_BREAK)), default=0)
    return int(widest * 13) + 12


def note_annotation(note: str, *, bottom: int, left: int = 0) -> dict:
    """The source note as a plotly annotation, set in the ``bottom`` pixels under the plot area,
    starting ``left`` pixels left of the plot (under the bar labels), so it uses the chart's width."""
    return {
        "text": note,
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": -bottom + 4,
        "xshift": -left,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        "font": {"size": 11, "color": "#555"},
    }


def plotly_text(text: str) -> str:
    """Plain text as plotly.js draws it literally: ``&``, ``<`` and ``>`` as entities, ``LINE_BREAK`` as ``<br>``.

    plotly.js reads every text it draws as a subset of HTML: ``<a href>`` becomes a
    working link, ``<b>``, ``<i>``, ``<sup>``, ``<sub>``, ``<span style>`` and ``<br>``
    take effect, and entities are decoded. Its SVG text converter decodes each entity
    once, left to right, so ``&amp;lt;`` shows as ``&lt;``; it knows no ``&quot;``,
    so quotes (which need no escaping) stay as they are.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(LINE_BREAK, "<br>")


def plotly_texts(value):
    """A figure's JSON (dicts, lists, strings, numbers) with every string passed through ``plotly_text``.

    Every string, not a list of text keys: colours, enumerated options and font names
    hold no ``&``, ``<``, ``>`` or line break, so they pass unchanged, and a text a
    builder adds later (a trace name, an axis title, an annotation) cannot be missed.
    """
    if isinstance(value, str):
        return plotly_text(value)
    if isinstance(value, dict):
        return {key: plotly_texts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plotly_texts(item) for item in value]
    return value


def chart_payload(figure: PlotlyFigure) -> dict:
    """What the page's JS hands to ``Plotly.newPlot``: data, layout and config, every text escaped (``plotly_texts``).

    plotly's own texts follow the page: its zh-TW locale on Chinese pages, its built-in English otherwise.
    """
    config = PLOTLY_CONFIG if current_language() != ENGLISH else {**PLOTLY_CONFIG, "locale": "en"}
    return {"data": plotly_texts(figure["data"]), "layout": plotly_texts(figure["layout"]), "config": config}


def section_charts(
    topic: str,
    rows: dict[str, ChartRow],
    *,
    slug: str = "",
    source: str,
    year: int,
    csv_url: Callable[[str], str],
    limit: int | None = None,
    previous_year: int | None = None,
    previous_source: str = "",
) -> list[Chart]:
    """The charts of a section of ``topic`` that have data, in spec order (``metrics.charts.specs.specs_for``).

    ``slug`` (the section's, ``topic`` when empty) names the charts' DOM ids and files.

    Each shows the rows of its spec's codes that ``rows`` holds; ``csv_url(key)`` is the
    address of the CSV of the chart ``key``. A spec whose codes are all missing is
    skipped; a ``bars`` spec whose rows may not share an axis is shown as tiles. Last
    year's values never decide the kind. ``previous_year`` and ``previous_source`` name
    the report the rows' ``previous`` come from; a chart names that year only when a row
    it shows has last year's value.
    """
    charts = []
    slug = slug or topic
    for spec in specs_for(topic, ((code, unit_code(row.unit)) for code, row in rows.items())):
        shown = tuple(rows[code] for code in spec.codes if code in rows)
        if not shown:
            continue
        kind = "bars" if spec.kind == "bars" and shares_an_axis(shown) else "tiles"
        title = str(spec.title) or str(UNIT_CHART_TITLE % {"unit": unit_label(shown[0].unit)})
        compared = previous_year is not None and any(row.previous for row in shown)
        chart_source = source_line(shown, source)
        if compared:
            chart_source += _("；") + previous_source_line(shown, year=previous_year, source=previous_source)
        payload = None
        if kind == "bars":
            figure = build_bar_chart(
                shown,
                title=title,
                source=source,
                year=year,
                previous_year=previous_year,
                previous_source=previous_source,
            )
            payload = chart_payload(figure)
        charts.append(
            Chart(
                key=spec.key,
                kind=kind,
                dom_id=f"chart-{slug}-{spec.key}",
                title=title,
                filename=f"wanzhou-{year}-{slug}-{spec.key}",
                rows=shown,
                source=chart_source,
                csv_url=csv_url(spec.key),
                year=year,
                previous_year=previous_year if compared else None,
                payload=payload,
            )
        )
        if limit is not None and len(charts) >= limit:
            break
    return charts
