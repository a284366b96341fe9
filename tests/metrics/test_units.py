"""Units are rows: a report's new unit is added by an editor, not by a code change."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from metrics.changes import change, describe
from metrics.choices import UnitKind
from metrics.explorer.filters import unit_choices
from metrics.formatting import format_figure, format_figure_english
from metrics.models import Figure, Unit
from reports.choices import SectionSlug
from tests.factories import figure_for, make_figure, make_report, make_section, unit

pytestmark = pytest.mark.django_db

#: Units the 2021 report does not use, as a later report could state them: (unit, kind, a value in it).
NEW_UNITS = [("宗", UnitKind.COUNT, "12"), ("公斤", UnitKind.WEIGHT, "2.5"), ("個百分點", UnitKind.POINTS, "1.2")]


def new_unit_figure(report, code: str, value: str) -> Figure:
    section = report.sections.get(slug=SectionSlug.MEDIATION)
    return figure_for(
        section, 99, code="mediation.new_unit", unit=code, value=Decimal(value), source_quote=f"新數據{value}{code}"
    )


@pytest.mark.parametrize(("code", "kind", "value"), NEW_UNITS)
def test_figure_in_a_unit_without_its_row_is_refused_with_the_unit_named(report_2021, code, kind, value):
    with pytest.raises(ValidationError) as error:
        new_unit_figure(report_2021, code, value).full_clean()
    assert error.value.message_dict["unit"] == [f"沒有「{code}」這個單位：請先在「單位」新增，再用於數據。"]


@pytest.mark.parametrize(("code", "kind", "value"), NEW_UNITS)
def test_figure_in_a_new_unit_validates_once_its_row_exists(report_2021, code, kind, value):
    unit(code, kind=kind, fractional=kind != UnitKind.COUNT)
    figure = new_unit_figure(report_2021, code, value)
    figure.full_clean()
    figure.save()
    assert Figure.objects.get(pk=figure.pk).unit_id == code
    assert format_figure(figure.value, Unit.objects.get(pk=code)) == f"{value}{code}"


def test_figure_in_a_whole_unit_is_refused_a_fraction_with_the_unit_named(report_2021):
    unit("宗")
    with pytest.raises(ValidationError) as error:
        new_unit_figure(report_2021, "宗", "2.5").full_clean()
    assert error.value.message_dict["value"] == ["計數須為非負整數：單位「宗」不可有小數，但填入的是 2.5。"]


def test_change_of_a_percent_and_of_percentage_points_are_both_in_points():
    points = unit("個百分點", kind=UnitKind.POINTS, fractional=True)
    for item in (change(Decimal("98.66"), Decimal("97.5"), unit("%")), change(Decimal("1.2"), Decimal("0.04"), points)):
        assert item.is_points and item.percent is None and item.absolute == Decimal("-1.16")
        assert describe(item) == "▼ −1.16 個百分點"


def test_change_of_a_new_count_unit_is_in_percent_and_written_in_its_unit():
    cases = unit("宗")
    item = change(Decimal(40), Decimal(50), cases)
    assert (item.is_points, item.percent) == (False, Decimal("25.0"))
    assert describe(item) == "▲ +10宗（+25.0%）"


def test_new_unit_with_english_words_reads_in_english():
    kilograms = unit("公斤", kind=UnitKind.WEIGHT, fractional=True, english_one="kilogram", english_many="kilograms")
    assert format_figure_english(Decimal("2.5"), kilograms, "over") == "over 2.5 kilograms"


def test_explorer_unit_filter_lists_only_units_of_published_figures(report_2021, viewer_client):
    unit("宗")  # no figure states it
    draft = make_section(make_report(2022, published=False), "mediation")
    make_figure(draft, 1, unit=unit("公斤", kind=UnitKind.WEIGHT, fractional=True), source_quote="測試1公斤")
    published = set(Figure.objects.filter(report__published=True).values_list("unit", flat=True))
    response = viewer_client.get(reverse("metrics:explorer"))
    listed = [code for code, _label in response.context["filter"].form.fields["unit"].choices if code]
    assert listed == sorted(published) and {"宗", "公斤"}.isdisjoint(listed)


def test_unit_choices_cost_one_query(report_2021, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert ("%", "%") in unit_choices()


def test_editor_adds_a_unit_in_the_admin_and_a_figure_can_use_it(editor_client, report_2021):
    response = editor_client.post(
        reverse("admin:metrics_unit_add"),
        {"code": "宗", "kind": UnitKind.COUNT, "name_en": "cases", "change_reason": "2022年報告新單位"},
    )
    assert response.status_code == 302, response.content.decode()
    added = Unit.objects.get(pk="宗")
    assert (added.simplified, added.name_en, added.fractional, added.yuan) == ("宗", "cases", False, None)
    assert added.history.get().history_user.username == "editor-user"
    new_unit_figure(report_2021, "宗", "12").full_clean()


def test_editor_cannot_add_a_money_unit_without_its_yuan(editor_client):
    response = editor_client.post(reverse("admin:metrics_unit_add"), {"code": "千元", "kind": UnitKind.MONEY})
    assert response.status_code == 200
    assert "金額單位須填寫一個單位等於多少元。" in response.content.decode()
    assert not Unit.objects.filter(pk="千元").exists()


def test_unit_in_use_cannot_be_deleted(report_2021, editor_client):
    response = editor_client.post(reverse("admin:metrics_unit_delete", args=["起"]), {"post": "yes"})
    assert Unit.objects.filter(pk="起").exists()
    assert response.status_code == 200  # the admin lists the figures that protect it instead of deleting


def test_loaddata_after_migrate_keeps_the_migrations_units_as_they_are():
    """The migration seeds the 22 units; the fixture states the same 22 with the same forms, so loading it
    on a migrated database changes none of them (and loading it twice changes nothing)."""
    fields = ["code", "simplified", "name_en", "english_one", "english_many", "kind", "fractional", "yuan"]
    seeded = list(Unit.objects.order_by("code").values_list(*fields))
    assert len(seeded) == 22
    call_command("loaddata", "wanzhou_2021", verbosity=0)
    call_command("loaddata", "wanzhou_2021", verbosity=0)
    assert list(Unit.objects.order_by("code").values_list(*fields)) == seeded
    assert set(Figure.objects.values_list("unit", flat=True)) <= {row[0] for row in seeded}


def test_unit_history_made_by_a_command_names_the_system_and_no_none(editor_client):
    """A unit saved without a request (a command, a migration, a test's restore) has history rows with neither a
    user nor a reason: the history page says the system made them and leaves the reason empty, not 'None'."""
    percent = Unit.objects.get(code="%")
    for name in ("percent", "%"):
        percent.name_en = name
        percent.save()
    page = editor_client.get(reverse("admin:metrics_unit_history", args=["%"])).content.decode()
    assert page.count("系統（沒有登入的使用者，例如指令或資料遷移）") == 2
    assert "None" not in page
