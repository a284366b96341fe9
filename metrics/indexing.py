"""A figure as the search index holds it (``search.indexing``): its name, theme, clause and code, and its value
written as the pages write it (``metrics.formatting``) in Traditional Chinese and in English."""

from collections.abc import Iterable

from django.db.models import Q

from common.languages import ENGLISH, TRADITIONAL
from metrics.formatting import format_figure_in_language, plain_number
from metrics.models import Figure, Unit
from search.indexing import Source, document, register
from search.models import Kind, SearchEntry


def figure_entries(figure: Figure) -> Iterable[SearchEntry]:
    """One entry; ``figure`` has its unit joined. Its document holds the value as the report writes it
    (the clause) and as a plain number, so ``18161`` finds 「排查矛盾糾紛18161起」."""
    value = format_figure_in_language(
        figure.value, figure.unit, figure.qualifier, figure.decimals, language=TRADITIONAL
    )
    yield SearchEntry(
        kind=Kind.FIGURE,
        object_id=figure.pk,
        report_id=figure.report_id,
        section_id=figure.section_id,
        position=figure.position,
        paragraph=figure.source_paragraph,
        document=document(
            figure.name,
            figure.theme,
            figure.source_quote,
            figure.code,
            value,
            plain_number(figure.value, figure.decimals),
            figure.name_en,
            figure.theme_en,
        ),
        title=figure.name,
        title_en=figure.name_en,
        context=figure.theme,
        context_en=figure.theme_en,
        body=figure.source_quote,
        value=value,
        value_en=format_figure_in_language(
            figure.value, figure.unit, figure.qualifier, figure.decimals, language=ENGLISH
        ),
        code=figure.code,
    )


def register_figures() -> None:
    """Index every figure, and rewrite a unit's figures when the unit's wording changes."""
    register(
        Source(
            Figure,
            Kind.FIGURE,
            lambda: Figure.objects.select_related("unit"),
            figure_entries,
            {Unit: lambda unit: Q(unit=unit.pk)},
        )
    )
