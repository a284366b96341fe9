"""Which charts a section shows: its topic's specs, else one chart per unit of its figures."""

from metrics.charts.specs import SECTION_CHARTS, chart_spec, specs_for


def test_specs_for_a_topic_with_specs_are_its_own_whatever_the_figures():
    assert specs_for("mediation", [("traffic.x", "起")]) == SECTION_CHARTS["mediation"]


def test_specs_for_a_new_topic_are_one_bar_chart_per_unit_in_first_use_order():
    specs = specs_for("traffic", [("traffic.a", "起"), ("traffic.b", "%"), ("traffic.c", "起"), ("traffic.d", "宗")])
    assert [(spec.key, spec.kind, spec.codes) for spec in specs] == [
        ("unit-1", "bars", ("traffic.a", "traffic.c")),
        ("unit-2", "bars", ("traffic.b",)),
        ("unit-3", "bars", ("traffic.d",)),
    ]


def test_chart_spec_finds_a_unit_chart_of_a_new_topic_only_with_its_figures():
    figures = [("fraud.a", "宗"), ("fraud.b", "元")]
    assert chart_spec("fraud", "unit-2", figures).codes == ("fraud.b",)
    assert chart_spec("fraud", "unit-2") is None
    assert chart_spec("fraud", "unit-3", figures) is None
