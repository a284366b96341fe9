"""Chart builders: plain rows in, ``plotly.graph_objects.Figure`` out (no request, no template).

Which figures a chart shows is named by figure code (codes are stable across
years), so every year's report gets the same charts. A chart never mixes units
on one axis and never puts numbers of very different size on one axis: rows
are split into small multiples, one panel per unit (and per row when one unit's
values differ by more than ``MAX_PANEL_RATIO``). Approximate values (近/餘)
carry a hatched bar and their qualifier in the label.
"""

import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from plotly.subplots import make_subplots

from common.languages import localized
from metrics.choices import Qualifier, Unit
from metrics.formatting import format_figure_in_language

#: Within one unit, values further apart than this get panels of their own.
MAX_PANEL_RATIO = 20

BAR_COLOUR = "#1f4e79"
FUNNEL_COLOURS = ("#1f4e79", "#2e75b6", "#9dc3e6", "#bdd7ee")
APPROX_PATTERN = "/"
PANEL_BASE_HEIGHT = 20
BAR_HEIGHT = 34
PANEL_GAP = 70
CHART_MARGIN = {"l": 10, "r": 24, "t": 50, "b": 110}
NOTE_LINE_CHARS = 16
FONT_FAMILY = '"Noto Sans CJK TC", "WenQuanYi Micro Hei", "Microsoft JhengHei", "PingFang TC", sans-serif'


@dataclass(frozen=True)
class ChartRow:
    """One figure as a chart sees it. ``display`` is the formatted text (qualifier and unit included)."""

    code: str
    label: str
    value: Decimal
    unit: str
    qualifier: str
    display: str
    source_paragraph: int

    @property
    def is_approximate(self) -> bool:
        return self.qualifier != Qualifier.EXACT


@dataclass(frozen=True)
class ChartSpec:
    """A chart of one section: its key, title, kind (``bars`` or ``funnel``) and figure codes in order."""

    key: str
    title: str  # a lazy translation; str() it where text is needed
    kind: str
    codes: tuple[str, ...]


SECTION_CHARTS: dict[str, tuple[ChartSpec, ...]] = {
    "stability": (
        ChartSpec(
            "security-plans",
            _lazy("重大活動安保方案與勤務模式啟動"),
            "bars",
            (
                "stability.permitted_event_plans",
                "stability.government_event_plans",
                "stability.level_two_mode_activations",
                "stability.level_three_mode_activations",
            ),
        ),
        ChartSpec(
            "patrol-network",
            _lazy("社會面巡防網路"),
            "bars",
            ("stability.must_patrol_points", "stability.joint_road_checkpoints", "stability.must_patrol_lines"),
        ),
        ChartSpec(
            "communities",
            _lazy("智慧安防小區與老舊小區治理"),
            "bars",
            (
                "stability.smart_security_communities",
                "stability.old_communities_governed",
                "stability.smart_security_units",
                "stability.destabilising_factors_removed",
                "stability.fire_lanes_cleared",
            ),
        ),
        ChartSpec(
            "inspections",
            _lazy("集中整治行動的警力與檢查"),
            "bars",
            ("stability.police_deployed", "stability.premises_inspected"),
        ),
    ),
    "crackdown": (
        ChartSpec(
            "environment-pipeline",
            _lazy("環保類刑事案件：立案、破案到移送起訴"),
            "bars",
            (
                "crackdown.env_cases_filed",
                "crackdown.env_cases_solved",
                "crackdown.env_coercive_measures",
                "crackdown.env_referred_for_prosecution",
            ),
        ),
        ChartSpec(
            "weapons-seized",
            _lazy("收繳槍支、彈藥、刀具與煙花爆竹"),
            "bars",
            (
                "crackdown.guns_seized",
                "crackdown.ammunition_seized",
                "crackdown.controlled_knives_seized",
                "crackdown.fireworks_seized",
            ),
        ),
        ChartSpec(
            "firearms-cases",
            _lazy("涉槍涉爆案件"),
            "bars",
            (
                "crackdown.explosives_public_order_cases",
                "crackdown.firearms_public_order_cases",
                "crackdown.firearms_criminal_cases",
            ),
        ),
        ChartSpec(
            "vice-gambling",
            _lazy("打擊黃賭與跨境賭博的處理人數"),
            "bars",
            (
                "crackdown.vice_admin_detentions",
                "crackdown.vice_prosecuted",
                "crackdown.gambling_referred_for_prosecution",
            ),
        ),
    ),
    "mediation": (
        ChartSpec(
            "disputes-funnel",
            _lazy("矛盾糾紛：排查到化解"),
            "funnel",
            ("mediation.disputes_screened", "mediation.disputes_resolved"),
        ),
        ChartSpec(
            "resolution-rates",
            _lazy("各類矛盾糾紛化解率"),
            "bars",
            (
                "mediation.resolution_rate",
                "mediation.general_category_resolution_rate",
                "mediation.attention_category_resolution_rate",
                "mediation.key_category_resolution_rate",
            ),
        ),
        ChartSpec(
            "lawyer-mediation",
            _lazy("律師駐所調解：受理到化解"),
            "funnel",
            ("mediation.lawyer_disputes_accepted", "mediation.lawyer_disputes_resolved"),
        ),
        ChartSpec(
            "household-visits",
            _lazy("「百萬警進千萬家」走訪與查處"),
            "bars",
            (
                "mediation.special_group_households_visited",
                "mediation.outreach_disputes_resolved",
                "mediation.key_sites_visited",
                "mediation.struggling_enterprises_visited",
                "mediation.enterprise_criminal_cases",
                "mediation.enterprise_public_order_cases",
            ),
        ),
    ),
}


def chart_rows(figures: Iterable) -> dict[str, ChartRow]:
    """Rows keyed by figure code, from any objects with Figure's fields."""
    return {
        figure.code: ChartRow(
            code=figure.code,
            label=localized(figure, "name"),
            value=figure.value,
            unit=figure.unit,
            qualifier=figure.qualifier,
            display=format_figure_in_language(figure.value, figure.unit, figure.qualifier),
            source_paragraph=figure.source_paragraph,
        )
        for figure in figures
    }


def source_line(rows: Sequence[ChartRow], source: str) -> str:
    """'資料來源：<source>，第 4、6 段' — the paragraphs the rows come from, in order."""
    paragraphs = sorted({row.source_paragraph for row in rows})
    numbers = _("、").join(str(paragraph) for paragraph in paragraphs)
    return _("資料來源：%(source)s，第 %(paragraphs)s 段") % {"source": source, "paragraphs": numbers}


def split_panels(rows: Sequence[ChartRow]) -> list[list[ChartRow]]:
    """Group rows into panels: one per unit, and one per row where a unit's values differ too much."""
    by_unit: dict[str, list[ChartRow]] = {}
    for row in rows:
        by_unit.setdefault(row.unit, []).append(row)
    panels = []
    for unit_rows in by_unit.values():
        values = [row.value for row in unit_rows if row.value > 0]
        if values and max(values) / min(values) > MAX_PANEL_RATIO:
            panels.extend([row] for row in unit_rows)
        else:
            panels.append(unit_rows)
    return panels


def wrap_lines(text: str, width: int = NOTE_LINE_CHARS) -> str:
    """Break text into ``<br>``-separated lines of at most ``width`` characters.

    plotly does not wrap annotations, and on a phone the plot area is narrow;
    Chinese text may break between any two characters; text without Chinese (English
    pages) breaks between words, twice as many of its narrower characters to a line.
    """
    if not any("\u3000" <= char <= "\u9fff" for char in text):
        return "<br>".join(textwrap.wrap(text, width * 2))
    return "<br>".join(text[start : start + width] for start in range(0, len(text), width))


def _base_layout(figure: go.Figure, *, title: str, source: str, rows: Sequence[ChartRow], height: int) -> None:
    note = wrap_lines(source_line(rows, source))
    if any(row.is_approximate for row in rows):
        note += "<br>" + wrap_lines(_("標「近」「餘」及斜線條者為約數"))
    figure.update_layout(
        template="none",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT_FAMILY, "size": 13},
        height=height,
        margin=CHART_MARGIN,
        showlegend=False,
        separators=".,",
        annotations=[
            *figure.layout.annotations,
            {
                "text": note,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -CHART_MARGIN["b"] + 4,
                "xanchor": "left",
                "yanchor": "bottom",
                "align": "left",
                "font": {"size": 11, "color": "#555"},
            },
        ],
    )


def _bar_trace(rows: Sequence[ChartRow]) -> go.Bar:
    return go.Bar(
        orientation="h",
        y=[row.label for row in rows],
        x=[float(row.value) for row in rows],
        text=[row.display for row in rows],
        textposition="auto",
        cliponaxis=False,
        hovertemplate=_("%{y}：%{text}<extra></extra>"),
        marker={
            "color": BAR_COLOUR,
            "pattern": {
                "shape": [APPROX_PATTERN if row.is_approximate else "" for row in rows],
                "fgcolor": "#ffffff",
                "fillmode": "overlay",
            },
        },
    )


def panel_height(panel: Sequence[ChartRow]) -> int:
    """Pixel height of one small-multiple panel's plot area: room for each bar."""
    return PANEL_BASE_HEIGHT + BAR_HEIGHT * len(panel)


def build_bar_chart(rows: Sequence[ChartRow], *, title: str, source: str) -> go.Figure:
    """Horizontal bars in small multiples (``split_panels``); each panel's x axis names its unit.

    Bars carry the formatted value as text; approximate rows are hatched.
    Panels are stacked with a fixed pixel gap so each axis title has room.
    """
    panels = split_panels(rows)
    heights = [panel_height(panel) for panel in panels]
    plot_height = sum(heights) + PANEL_GAP * (len(panels) - 1)
    figure = make_subplots(
        rows=len(panels),
        cols=1,
        row_heights=heights,
        vertical_spacing=PANEL_GAP / plot_height if len(panels) > 1 else 0,
    )
    for index, panel in enumerate(panels, start=1):
        figure.add_trace(_bar_trace(panel), row=index, col=1)
        figure.update_xaxes(
            title_text=_("單位：%(unit)s") % {"unit": Unit(panel[0].unit).label},
            title_standoff=4,
            rangemode="tozero",
            row=index,
            col=1,
        )
        figure.update_yaxes(automargin=True, autorange="reversed", row=index, col=1)
    _base_layout(
        figure, title=title, source=source, rows=rows, height=plot_height + CHART_MARGIN["t"] + CHART_MARGIN["b"]
    )
    return figure


def build_funnel_chart(rows: Sequence[ChartRow], *, title: str, source: str) -> go.Figure:
    """A funnel of stages in one unit (e.g. disputes screened → resolved), widest first.

    plotly funnels take no bar pattern, so an approximate stage is marked by its text (近/餘) only.

    Raises ValueError if the rows mix units: a funnel of unlike things would mislead.
    """
    units = {row.unit for row in rows}
    if len(units) != 1:
        raise ValueError(f"a funnel needs one unit, got {sorted(units)}")
    figure = go.Figure(
        go.Funnel(
            y=[row.label for row in rows],
            x=[float(row.value) for row in rows],
            text=[row.display for row in rows],
            textinfo="text+percent initial",
            hovertemplate=_("%{y}：%{text}<extra></extra>"),
            marker={"color": list(FUNNEL_COLOURS[: len(rows)])},
        )
    )
    figure.update_xaxes(
        title_text=_("單位：%(unit)s") % {"unit": Unit(rows[0].unit).label},
        showticklabels=False,
        showgrid=False,
        zeroline=False,
    )
    figure.update_yaxes(automargin=True)
    height = CHART_MARGIN["t"] + CHART_MARGIN["b"] + 70 * len(rows) + 20
    _base_layout(figure, title=title, source=source, rows=rows, height=height)
    return figure


BUILDERS = {"bars": build_bar_chart, "funnel": build_funnel_chart}

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


def chart_payload(figure: go.Figure, *, filename: str) -> dict:
    """What the page's JS hands to ``Plotly.newPlot``: data, layout and config (PNG download named)."""
    payload = json.loads(figure.to_json())
    config = dict(PLOTLY_CONFIG, toImageButtonOptions={"format": "png", "filename": filename, "scale": 2})
    return {"data": payload["data"], "layout": payload["layout"], "config": config}


def section_charts(
    slug: str, rows: dict[str, ChartRow], *, source: str, year: int, limit: int | None = None
) -> list[dict]:
    """The charts of section ``slug`` that have data, as dicts for the template.

    Each dict holds ``key``, ``dom_id``, ``payload_id``, ``title``, ``rows`` (the ChartRows shown,
    for the table alternative), ``source`` and ``payload`` (for ``json_script``).
    A spec whose codes are all missing from ``rows`` is skipped; a funnel whose
    figures no longer share a unit (after an edit) is drawn as bars instead.
    """
    charts = []
    for spec in SECTION_CHARTS.get(slug, ()):
        shown = [rows[code] for code in spec.codes if code in rows]
        if not shown:
            continue
        kind = spec.kind if len({row.unit for row in shown}) == 1 else "bars"
        title = str(spec.title)
        figure = BUILDERS[kind](shown, title=title, source=source)
        dom_id = f"chart-{slug}-{spec.key}"
        charts.append(
            {
                "key": spec.key,
                "dom_id": dom_id,
                "payload_id": f"{dom_id}-data",
                "title": title,
                "rows": shown,
                "source": source_line(shown, source),
                "payload": chart_payload(figure, filename=f"wanzhou-{year}-{slug}-{spec.key}"),
            }
        )
        if limit is not None and len(charts) >= limit:
            break
    return charts
