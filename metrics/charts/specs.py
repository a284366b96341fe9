"""Which charts each section shows, keyed by the section's topic: specs named by figure code, so every
year's section of a topic gets the same charts, whatever its slug or heading.

Data, not drawing: ``metrics.charts.builders.section_charts`` decides from the figures whether a
``bars`` spec can be drawn as bars (the comparison rules) or falls back to tiles.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _lazy


@dataclass(frozen=True)
class ChartSpec:
    """A chart of one section: its key, title (lazy), kind (``bars`` or ``tiles``) and figure codes in order."""

    key: str
    title: str
    kind: str
    codes: tuple[str, ...]


SECTION_CHARTS: dict[str, tuple[ChartSpec, ...]] = {
    "stability": (
        ChartSpec(
            "event-plans",
            _lazy("重大活動安保方案（場）"),
            "bars",
            ("stability.permitted_event_plans", "stability.government_event_plans"),
        ),
        ChartSpec(
            "duty-modes",
            _lazy("啟動二級、三級勤務模式（次）"),
            "bars",
            ("stability.level_two_mode_activations", "stability.level_three_mode_activations"),
        ),
        ChartSpec(
            "patrol-points",
            _lazy("必巡點與聯合公路檢查站點（個）"),
            "bars",
            ("stability.must_patrol_points", "stability.joint_road_checkpoints"),
        ),
        ChartSpec(
            "communities",
            _lazy("智慧安防小區與治理老舊小區（個）"),
            "bars",
            ("stability.smart_security_communities", "stability.old_communities_governed"),
        ),
        ChartSpec(
            "community-numbers",
            _lazy("巡防與小區治理的其他數字"),
            "tiles",
            (
                "stability.must_patrol_lines",
                "stability.smart_security_units",
                "stability.smart_security_coverage_rate",
                "stability.destabilising_factors_removed",
                "stability.fire_lanes_cleared",
            ),
        ),
        ChartSpec(
            "inspections",
            _lazy("集中整治行動的警力與檢查"),
            "tiles",
            ("stability.police_deployed", "stability.premises_inspected"),
        ),
    ),
    "crackdown": (
        ChartSpec(
            "environment-cases",
            _lazy("環保類刑事案件：立案與破案（件）"),
            "bars",
            ("crackdown.env_cases_filed", "crackdown.env_cases_solved"),
        ),
        ChartSpec(
            "environment-people",
            _lazy("環保類刑事案件：強制措施與移送起訴（人）"),
            "bars",
            ("crackdown.env_coercive_measures", "crackdown.env_referred_for_prosecution"),
        ),
        ChartSpec(
            "firearms-cases",
            _lazy("涉槍涉爆案件（起）"),
            "bars",
            (
                "crackdown.explosives_public_order_cases",
                "crackdown.firearms_public_order_cases",
                "crackdown.firearms_criminal_cases",
            ),
        ),
        ChartSpec(
            "vice-people",
            _lazy("打擊黃賭：行政拘留與起訴（人）"),
            "bars",
            ("crackdown.vice_admin_detentions", "crackdown.vice_prosecuted"),
        ),
        ChartSpec(
            "weapons-seized",
            _lazy("收繳槍支、彈藥、刀具與煙花爆竹"),
            "tiles",
            (
                "crackdown.guns_seized",
                "crackdown.ammunition_seized",
                "crackdown.controlled_knives_seized",
                "crackdown.fireworks_seized",
            ),
        ),
        ChartSpec(
            "cross-border-gambling",
            _lazy("打擊跨境賭博"),
            "tiles",
            (
                "crackdown.gambling_platforms_dismantled",
                "crackdown.gambling_referred_for_prosecution",
                "crackdown.gambling_funds_frozen",
            ),
        ),
    ),
    "mediation": (
        ChartSpec(
            "disputes",
            _lazy("矛盾糾紛：排查與化解（起）"),
            "bars",
            ("mediation.disputes_screened", "mediation.disputes_resolved"),
        ),
        ChartSpec(
            "resolution-rates",
            _lazy("各類矛盾糾紛化解率（%）"),
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
            _lazy("律師駐所調解：受理與化解（起）"),
            "bars",
            ("mediation.lawyer_disputes_accepted", "mediation.lawyer_disputes_resolved"),
        ),
        ChartSpec(
            "enterprise-cases",
            _lazy("侵害企業的案件（起）"),
            "bars",
            ("mediation.enterprise_criminal_cases", "mediation.enterprise_public_order_cases"),
        ),
        ChartSpec(
            "follow-up",
            _lazy("回訪與律師調解化解率"),
            "tiles",
            ("mediation.return_visits", "mediation.return_visit_rate", "mediation.lawyer_resolution_rate"),
        ),
        ChartSpec(
            "household-visits",
            _lazy("「百萬警進千萬家」走訪與查處"),
            "tiles",
            (
                "mediation.special_group_households_visited",
                "mediation.outreach_disputes_resolved",
                "mediation.key_sites_visited",
                "mediation.struggling_enterprises_visited",
            ),
        ),
    ),
}


#: The title of a chart that a section of a topic without specs gets for each of its units.
UNIT_CHART_TITLE = _lazy("本章數據（%(unit)s）")


def specs_for(topic: str, codes_and_units: Iterable[tuple[str, str]] = ()) -> tuple[ChartSpec, ...]:
    """The charts of a section of ``topic``: the topic's own specs in ``SECTION_CHARTS``.

    A topic without specs (a part of a later report that 2021's has no counterpart of) gets one
    chart per unit its figures use, ``codes_and_units`` being (code, unit) in the section's order:
    keyed ``unit-<n>`` in the order the units first appear, titled ``UNIT_CHART_TITLE`` with the
    unit (an empty ``title`` here; the builder names the unit in the page's language). The
    comparison rules then draw each as bars or as tiles, as for any spec.
    """
    if topic in SECTION_CHARTS:
        return SECTION_CHARTS[topic]
    by_unit: dict[str, list[str]] = {}
    for code, unit in codes_and_units:
        by_unit.setdefault(unit, []).append(code)
    return tuple(
        ChartSpec(f"unit-{number}", "", "bars", tuple(codes)) for number, codes in enumerate(by_unit.values(), start=1)
    )


def chart_spec(topic: str, key: str, codes_and_units: Iterable[tuple[str, str]] = ()) -> ChartSpec | None:
    """The spec ``key`` of a section of ``topic`` (``specs_for``), or None."""
    return next((spec for spec in specs_for(topic, codes_and_units) if spec.key == key), None)
