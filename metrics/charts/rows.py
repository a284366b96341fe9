"""What a chart is made of and what the page draws: ``ChartRow`` and ``Chart``.

A row is one figure as plain data in the page's language (its name, its value as
``metrics.formatting`` writes it), made by ``chart_row`` for the section charts and
the series chart alike. The builders draw rows into a plotly payload; a ``Chart``
holds the rows and that payload, and ``includes/_chart.html`` draws it with its
table view, or as tiles.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _lazy

from common.languages import localized
from metrics.changes import Change
from metrics.charts.rendering import PHONE_WIDTH, WIDE_WIDTH, WIDTHS, image_height, image_key
from metrics.choices import Qualifier
from metrics.formatting import format_figure_in_language
from metrics.models import Figure

CORRECTION_MARK = _lazy("（更正）")


@dataclass(frozen=True)
class ChartRow:
    """One figure as a chart sees it, and a row of the chart's table view or a tile.

    ``year`` is its report's; ``label`` names the row (the figure's name, or on the
    series chart its year); ``display`` is the formatted value (qualifier and unit
    included) and ``unit`` the figure's ``Unit`` row; ``href`` its row on its section page; ``stated_display`` the
    value the clause states, set only when the published value is a correction.
    ``previous`` is last year's row of the same code and unit, and ``change`` the
    change from it (``metrics.changes``). ``paragraph_url`` is the figure's paragraph on its
    report's text page, '' when no text is attached.
    """

    code: str
    year: int
    label: str
    value: Decimal
    unit: object
    qualifier: str
    display: str
    source_paragraph: int
    href: str = ""
    paragraph_url: str = ""
    is_correction: bool = False
    stated_display: str = ""
    previous: "ChartRow | None" = None
    change: Change | None = None

    @property
    def is_approximate(self) -> bool:
        return self.qualifier != Qualifier.EXACT

    @property
    def qualifier_text(self) -> str:
        """'近似（近、約）' or '以上（餘、多）' for an approximate value, '' for an exact one."""
        return "" if self.qualifier == Qualifier.EXACT else str(Qualifier(self.qualifier).label)

    @property
    def chart_text(self) -> str:
        """The value as a chart labels it: the report's text, marked when it is a correction."""
        return f"{self.display}{CORRECTION_MARK}" if self.is_correction else self.display


def chart_row(
    figure: Figure,
    *,
    section_url: str,
    label: str = "",
    previous: ChartRow | None = None,
    change: Change | None = None,
) -> ChartRow:
    """``figure`` as a row in the page language, labelled with its name unless ``label`` is given.

    ``href`` is the figure's row on ``section_url`` (its section's page); the report
    must be loaded with the figure (joined or set), as the selectors do. With
    ``previous`` (last year's row) and ``change`` the row carries them.
    """
    places = figure.decimals
    return ChartRow(
        code=figure.code,
        year=figure.report.year,
        label=label or localized(figure, "name"),
        value=figure.value,
        unit=figure.unit,
        qualifier=figure.qualifier,
        display=format_figure_in_language(figure.value, figure.unit, figure.qualifier, places),
        source_paragraph=figure.source_paragraph,
        href=f"{section_url}#figure-{figure.code}",
        paragraph_url=figure.get_paragraph_url(),
        is_correction=figure.is_correction,
        stated_display=(
            format_figure_in_language(figure.stated_value, figure.unit, figure.qualifier, places)
            if figure.is_correction
            else ""
        ),
        previous=previous,
        change=change,
    )


def chart_rows(
    figures: Iterable[Figure],
    *,
    section_url: str,
    comparisons: Mapping[str, tuple[Figure, Change]] | None = None,
    previous_url: str = "",
) -> dict[str, ChartRow]:
    """The rows of one section's ``figures`` keyed by code; ``href`` is the figure's row on ``section_url``.

    ``comparisons`` maps a code to last year's comparable figure and the change from it
    (``selectors.YearBefore.comparisons``): that figure's row carries last year's row,
    linked to its row on ``previous_url``, or without one on its own section's page (last
    year's figure of a code may sit in a section of another slug; its ``section.report`` must be set),
    and the change.
    """
    comparisons = comparisons or {}
    rows = {}
    previous_urls: dict[int, str] = {}
    for figure in figures:
        compared = comparisons.get(figure.code)
        if compared is None:
            rows[figure.code] = chart_row(figure, section_url=section_url)
        else:
            previous, change = compared
            url = previous_url or previous_urls.get(previous.section_id)
            if url is None:
                url = previous_urls[previous.section_id] = previous.section.get_absolute_url()
            previous_row = chart_row(previous, section_url=url)
            rows[figure.code] = chart_row(figure, section_url=section_url, previous=previous_row, change=change)
    return rows


class ImageRef(NamedTuple):
    """A server drawing of a chart: its key (``rendering.image_key``) and width in px."""

    key: str
    width: int


@dataclass(frozen=True)
class Chart:
    """One chart as ``includes/_chart.html`` draws it.

    ``key`` is the chart's spec key (``series`` on the metric page); ``kind`` ``bars``
    (drawn by static/js/charts.js from ``payload``, for ``json_script``) or ``tiles``
    (``payload`` None); ``dom_id`` the element's id; ``filename`` the PNG's and the CSV's,
    without extension; ``rows`` the rows shown, in order; ``source`` the source line;
    ``csv_url`` the address of its CSV. With ``previous_year`` (set when a row shown
    carries last year's value) the table view and the tiles add last year's value and
    the change, in a column beside ``year``'s. ``rendered``: the server drawings of every width
    (``image_keys``) are stored, so the page shows them instead of drawing ``payload`` with plotly.js;
    ``phone_src`` is then the phone drawing as a ``data:`` URI, shown with the page's text.
    """

    key: str
    kind: str
    dom_id: str
    title: str
    filename: str
    rows: tuple[ChartRow, ...]
    source: str
    csv_url: str
    year: int | None = None
    previous_year: int | None = None
    payload: dict | None = None
    rendered: bool = False
    phone_src: str = ""

    @cached_property
    def image_keys(self) -> dict[int, str]:
        """The keys of the server drawings of ``payload`` by width (``rendering.WIDTHS``); empty for tiles."""
        if self.payload is None:
            return {}
        return {width: image_key(self.payload, width) for width in WIDTHS}

    @property
    def phone_image(self) -> "ImageRef":
        """The drawing for a phone's column (and paper)."""
        return ImageRef(self.image_keys[PHONE_WIDTH], PHONE_WIDTH)

    @property
    def wide_image(self) -> "ImageRef":
        """The drawing for a wide screen's column, whose PNG is the download."""
        return ImageRef(self.image_keys[WIDE_WIDTH], WIDE_WIDTH)

    @property
    def image_height(self) -> int:
        return image_height(self.payload)

    @property
    def needs_plotly(self) -> bool:
        """A bar chart without its server drawings: plotly.js draws it in the browser."""
        return self.kind == "bars" and not self.rendered

    @property
    def payload_id(self) -> str:
        """The id of the ``json_script`` element that holds ``payload``."""
        return f"{self.dom_id}-data"
