"""The index follows every write: a save, a delete, an import, a revert, a unit's new wording; and a rebuild."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from metrics.models import Figure, Unit
from metrics.services import AcceptedFigure, Heading, create_report, revert_change_set
from reports.models import Report, SourceText
from search.indexing import rebuild, reindex, restamp
from search.models import KIND_ORDER, Kind, SearchEntry
from search.selectors import matching
from search.text import normalise
from tests.factories import make_case, make_figure, make_named_item, make_report, make_section

pytestmark = pytest.mark.django_db


def found(query: str, kind: str = Kind.FIGURE) -> set[str]:
    """Titles (a paragraph's text) of the entries of ``kind`` the query matches."""
    entries = matching(normalise(query), SearchEntry.objects.filter(kind=kind))
    return {entry.title or entry.body for entry in entries}


def test_index_follows_an_edit_and_a_delete(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        section = make_section(make_report(2030))
        figure = make_figure(section, 1, name="查處非法煙花爆竹")
    assert found("烟花") == {"查處非法煙花爆竹"}

    with django_capture_on_commit_callbacks(execute=True):
        figure.name = "收繳管制刀具"
        figure.save()
    assert found("烟花") == set()
    assert found("刀具") == {"收繳管制刀具"}

    with django_capture_on_commit_callbacks(execute=True):
        figure.delete()
    assert not SearchEntry.objects.filter(kind=Kind.FIGURE).exists()


def test_index_follows_sections_cases_named_items_and_a_deleted_section(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        section = make_section(make_report(2030), heading="矛盾化解", summary="調解鄰里糾紛。")
        make_case(section, 1, title="詐騙案", summary="破獲一宗電信詐騙。")
        make_named_item(section, 1, name="清朗行動")
    assert found("纠纷", Kind.SECTION) == {"矛盾化解"}
    assert found("诈骗", Kind.CASE) == {"詐騙案"}
    assert found("清朗", Kind.NAMED_ITEM) == {"清朗行動"}

    with django_capture_on_commit_callbacks(execute=True):
        section.delete()
    assert not SearchEntry.objects.exists()


def test_index_follows_an_import_with_its_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = create_report(
            year=2030,
            agency="萬州區公安局",
            title="2030年工作綜述（測試數據）",
            source_name="t.txt",
            text="2030年工作綜述。\n矛盾化解\n全年排查矛盾糾紛18161起。",
            headings=[Heading(paragraph=2, text="矛盾化解", slug="mediation", topic="mediation")],
            figures=[
                AcceptedFigure(
                    slug="mediation",
                    code="mediation.disputes_screened",
                    name="排查矛盾糾紛",
                    theme="矛盾排查",
                    value=Decimal(18161),
                    unit="起",
                    qualifier="exact",
                    paragraph=3,
                    quote="排查矛盾糾紛18161起",
                )
            ],
        )
    assert found("18161") == {"排查矛盾糾紛"}
    assert found("18161", Kind.PARAGRAPH) == {"全年排查矛盾糾紛18161起。"}
    assert set(SearchEntry.objects.values_list("kind", flat=True)) == {Kind.FIGURE, Kind.SECTION, Kind.PARAGRAPH}
    assert set(SearchEntry.objects.values_list("report", flat=True)) == {report.pk}

    text = SourceText.objects.get(report=report)
    with django_capture_on_commit_callbacks(execute=True):
        text.text = "2030年工作綜述。\n矛盾化解\n全年化解矛盾糾紛。"
        text.save()
    assert found("18161", Kind.PARAGRAPH) == set()


def test_index_follows_a_revert(audited_report, make_user, django_capture_on_commit_callbacks):
    editor = make_user("editor", "editor-a")
    rebuild()
    figure = Figure.objects.get(code="mediation.disputes_screened", report__year=2021)
    change_set = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        figure.name = "排查鄰里糾紛"
        figure._change_set, figure._history_user = change_set, editor
        figure.save()
    assert found("邻里") == {"排查鄰里糾紛"}

    with django_capture_on_commit_callbacks(execute=True):
        revert_change_set(change_set=change_set, reason="撤回", user=editor, acting_change_set=uuid.uuid4())
    assert found("邻里") == set()
    assert "排查矛盾糾紛" in found("排查矛盾")


def test_index_rewrites_a_units_figures_when_its_english_changes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        figure = make_figure(make_section(make_report(2030)), 1, value=Decimal(3))
    unit = Unit.objects.get(pk=figure.unit_id)
    with django_capture_on_commit_callbacks(execute=True):
        unit.english_one, unit.english_many = "incident", "incidents"
        unit.save()
    assert SearchEntry.objects.get(kind=Kind.FIGURE).value_en == "3 incidents"


def test_a_rolled_back_save_leaves_the_index_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        figure = make_figure(make_section(make_report(2030)), 1, name="原名")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        figure.name = "新名"
        figure.save()
    assert callbacks and found("原名") == {"原名"}


def test_reindex_of_a_gone_object_removes_its_entries(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        figure = make_figure(make_section(make_report(2030)), 1)
    pk = figure.pk
    Figure.objects.filter(pk=pk).delete()
    reindex(Figure, pks=[pk])
    assert not SearchEntry.objects.filter(kind=Kind.FIGURE).exists()


def test_rebuild_search_index_command_indexes_a_loaded_report(report_2021, capsys):
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index")
    counts = {kind: SearchEntry.objects.filter(kind=kind).count() for kind in Kind.values}
    assert counts == {
        Kind.FIGURE: Figure.objects.count(),
        Kind.SECTION: 3,
        Kind.CASE: report_2021.sections.filter(cases__isnull=False).count(),
        Kind.NAMED_ITEM: counts[Kind.NAMED_ITEM],
        Kind.PARAGRAPH: 0,
    }
    assert counts[Kind.NAMED_ITEM] > 0
    assert f"Indexed {sum(counts.values())} entries." in capsys.readouterr().out


def copies(report: Report) -> set[tuple]:
    """What the entries of ``report`` copied from it, (year, published, release_at), each entry's with whether
    its rank is its kind's group order."""
    rows = SearchEntry.objects.filter(report=report).values_list("year", "published", "release_at", "kind", "rank")
    return {(year, published, release_at, rank == KIND_ORDER[kind]) for year, published, release_at, kind, rank in rows}


def test_entries_copy_their_reports_year_and_publication_and_follow_its_save(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(2030, published=False)
        section = make_section(report, heading="矛盾化解")
        make_figure(section, 1)
        make_case(section, 1)
    assert copies(report) == {(2030, False, None, True)}

    release_at = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        report.year, report.published, report.release_at = 2031, True, release_at
        report.save()
    assert copies(report) == {(2031, True, release_at, True)}
    assert SearchEntry.objects.filter(report=report).count() == 3


def test_restamp_and_rebuild_repair_copies_written_around_the_signals(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(2030, published=False)
        make_figure(make_section(report), 1)
    Report.objects.filter(pk=report.pk).update(published=True)  # update() sends no signal
    assert copies(report) == {(2030, False, None, True)}
    assert restamp([report.pk]) == 2
    assert copies(report) == {(2030, True, None, True)}

    Report.objects.filter(pk=report.pk).update(year=2032)
    rebuild()
    assert copies(report) == {(2032, True, None, True)}
