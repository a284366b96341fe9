"""The import's steps, one function each, for the admin page and ``manage.py import_report`` alike.

``review_import`` reads a text and proposes its rows, carrying forward what last year's
figure of each matched code and last year's section of each matched topic say;
``checked_rows`` tells which accepted rows ``create_report`` would refuse and why;
``create_import`` writes the accepted rows as a draft, linking last year's rates again
where all three figures are imported. Reads go through ``metrics.selectors`` and the write
through ``metrics.services.create_report``: this module only composes them.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from metrics import selectors
from metrics.importing.forms import ImportRowFormSet
from metrics.importing.matching import (
    MAX_PROPOSALS,
    ImportRow,
    RateLink,
    carried_links,
    default_name,
    find_headings,
    offered_unit,
    propose,
    with_links,
)
from metrics.models import Figure
from metrics.services import AcceptedFigure, Heading, create_report, figure_problems
from metrics.text.extraction import paragraphs
from metrics.text.units import same_unit
from reports.models import Report

#: The fields of a review row (``forms.ImportRowForm``) that make an ``AcceptedFigure``.
FIGURE_FIELDS = (
    *("slug", "code", "name", "theme", "name_en", "theme_en", "headline"),
    *("value", "unit", "qualifier", "paragraph", "quote"),
)


@dataclass(frozen=True)
class Review:
    """A text's headings and review rows: ``initial`` is each row's form data, as the page first shows it."""

    headings: list[Heading]
    rows: list[ImportRow]
    initial: list[dict]
    known_units: frozenset[str]
    links: dict[str, RateLink] = field(default_factory=dict)
    previous_codes: frozenset[str] = frozenset()

    @property
    def matched(self) -> int:
        return sum(row.matched for row in self.rows)

    @property
    def new_units(self) -> list[str]:
        return sorted({row["unit"] for row in self.initial} - self.known_units)


def unit_for(unit: str, previous: Figure | None, known: Collection[str]) -> str:
    """The unit row a figure stated in ``unit`` gets: last year's figure's of the code (``previous``) when it is
    the same unit, so the two years compare; else the portal's spelling of it (``offered_unit``)."""
    if previous is not None and same_unit(previous.unit_id, unit):
        return previous.unit_id
    return offered_unit(unit, known)


def row_initial(row: ImportRow, known_units: Collection[str]) -> dict:
    """A review row's form data: the proposal, its match, and what is carried from last year's figure."""
    proposal = row.proposal
    return {
        "accept": True,
        "slug": row.slug,
        "code": row.code,
        "name": row.name,
        "theme": row.theme,
        "name_en": row.name_en,
        "theme_en": row.theme_en,
        "headline": row.headline,
        "value": proposal.value,
        "unit": unit_for(proposal.unit, row.previous, known_units),
        "qualifier": proposal.qualifier,
        "paragraph": proposal.paragraph,
        "quote": proposal.quote,
        "confidence": row.confidence,
    }


def accepted_figure(row: Mapping) -> AcceptedFigure:
    """The figure a review row (cleaned form data) asks for."""
    return AcceptedFigure(**{name: row[name] for name in FIGURE_FIELDS})


def review_import(*, text: str, year: int) -> Review:
    """The headings and review rows of ``text`` imported as ``year``, matched to the report published just before.

    Raises ``matching.TooManyProposals``. ``links`` are last year's rate links as they would be
    made with every row accepted. 2 queries, whatever the number of rows.
    """
    previous = selectors.import_candidates(year=year)
    headings, rows = propose(text, previous)
    known = selectors.unit_codes()
    initial = [row_initial(row, known) for row in rows]
    links = carried_links([accepted_figure(row) for row in initial], previous)
    return Review(
        headings=headings,
        rows=rows,
        initial=initial,
        known_units=known,
        links=links,
        previous_codes=frozenset(figure.code for figure in previous),
    )


def read_headings(*, text: str, year: int | None) -> list[Heading]:
    """The headings of ``text`` as ``review_import`` proposed them for ``year``; without last year's topics when
    ``year`` is None (an invalid header). 1 query with a year."""
    previous = selectors.import_candidates(year=year) if year is not None else []
    return find_headings(text, previous)


def rate_links(*, rows: Sequence[Mapping], year: int) -> dict[str, RateLink]:
    """Last year's rate links as they would be made for the accepted ``rows`` (cleaned). 1 query."""
    figures = [accepted_figure(row) for row in rows if row.get("accept", True)]
    return carried_links(figures, selectors.import_candidates(year=year))


def checked_rows(rows: Sequence[Mapping], *, text: str) -> dict[int, list[str]]:
    """What ``create_report`` would refuse of each of the accepted, cleaned ``rows`` on its own, by index: a
    paragraph outside ``text``, and the figure's own rules (``figure_problems``). 1 query."""
    problems = figure_problems(figures=[accepted_figure(row) for row in rows])
    last = sum(1 for _line in paragraphs(text))
    for index, row in enumerate(rows):
        if not 1 <= row["paragraph"] <= last:
            message = _("原文只有 %(last)s 段，沒有第 %(paragraphs)s 段。") % {
                "last": last,
                "paragraphs": row["paragraph"],
            }
            problems.setdefault(index, []).insert(0, message)
    return dict(sorted(problems.items()))


@dataclass(frozen=True)
class Created:
    report: Report
    figures: int
    links: dict[str, RateLink]


def create_import(
    *,
    year: int,
    agency: str,
    title: str,
    source_name: str,
    text: str,
    headings: Sequence[Heading],
    rows: Sequence[Mapping],
    user=None,
) -> Created:
    """Create the draft of ``year`` from the accepted, cleaned review ``rows``; last year's rate links are made
    again where the rate and both its counts are among them and recompute (``links`` says which were not).

    ``ValidationError`` from ``create_report`` when a row breaks a rule: nothing is written.
    """
    figures = [accepted_figure(row) for row in rows]
    links = carried_links(figures, selectors.import_candidates(year=year))
    report = create_report(
        year=year,
        agency=agency,
        title=title,
        source_name=source_name,
        text=text,
        headings=headings,
        figures=with_links(figures, links),
        user=user,
    )
    return Created(report=report, figures=len(figures), links=links)


# --- The review as a file: the proposals as ``extract_figures --format json`` prints them, plus the editor's say --

#: Keys every entry of a review file has: ``extract_figures``' and the editor's code, section (slug) and accept.
REVIEW_REQUIRED = ("paragraph", "quote", "value", "unit", "qualifier", "code", "section", "accept")
#: Keys an entry may have: what a row carries (taken from last year's figure of the code when left out) and, for
#: the reader only, the extractor's change and the match's confidence.
REVIEW_OPTIONAL = ("name", "theme", "name_en", "theme_en", "headline", "change", "confidence")
#: The JSON type each key's value must have (``value`` may be a number or a decimal string).
REVIEW_TYPES = {
    "paragraph": (int,),
    "quote": (str,),
    "value": (str, int, float),
    "unit": (str,),
    "qualifier": (str,),
    "code": (str,),
    "section": (str,),
    "accept": (bool,),
    "name": (str,),
    "theme": (str,),
    "name_en": (str,),
    "theme_en": (str,),
    "headline": (bool,),
    "change": (str, type(None)),
    "confidence": (int,),
}


class ReviewFileError(ValueError):
    """A review file that is not a list of entries with the keys and types ``REVIEW_TYPES`` names."""


def review_file(review: Review) -> list[dict]:
    """The rows of ``review`` as a review file's entries, every row accepted, for an editor to edit and replay."""
    entries = []
    for row, initial in zip(review.rows, review.initial, strict=True):
        entries.append(
            {
                **row.proposal.as_dict(),
                "unit": initial["unit"],
                "code": initial["code"],
                "section": initial["slug"],
                "accept": True,
                "name": initial["name"],
                "theme": initial["theme"],
                "name_en": initial["name_en"],
                "theme_en": initial["theme_en"],
                "headline": initial["headline"],
                "confidence": initial["confidence"],
            }
        )
    return entries


def read_review_file(entries, *, headings: Sequence[Heading], year: int) -> list[dict]:
    """The review rows (form data, as ``row_initial`` gives) of a review file's parsed JSON ``entries``.

    ``ReviewFileError`` for more than ``MAX_PROPOSALS`` entries, or naming the first entry whose keys or
    types are wrong. A row left
    without name, theme, English name and theme or headline takes them from last year's
    figure of its code, as the review page carries them, or else as a new code's row gets
    them; its unit is last year's unit row when it is the same unit (``unit_for``). 2 queries.
    """
    if not isinstance(entries, list):
        raise ReviewFileError("a review file is a JSON list of proposals (as extract_figures --format json prints)")
    if len(entries) > MAX_PROPOSALS:
        raise ReviewFileError(f"{len(entries)} entries: one import takes at most {MAX_PROPOSALS}; import in parts")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ReviewFileError(f"entry {number} is not a JSON object")
        missing = [key for key in REVIEW_REQUIRED if key not in entry]
        unknown = sorted(set(entry) - set(REVIEW_REQUIRED) - set(REVIEW_OPTIONAL))
        if missing or unknown:
            problems = [f"missing {', '.join(missing)}"] * bool(missing) + [f"unknown {', '.join(unknown)}"] * bool(
                unknown
            )
            raise ReviewFileError(f"entry {number}: {'; '.join(problems)}")
        for key, value in entry.items():
            if not isinstance(value, REVIEW_TYPES[key]) or (isinstance(value, bool) and bool not in REVIEW_TYPES[key]):
                raise ReviewFileError(f"entry {number}: {key} has the wrong type ({type(value).__name__})")
    previous = {figure.code: figure for figure in selectors.import_candidates(year=year)}
    known = selectors.unit_codes()
    heading_texts = {heading.slug: heading.text for heading in headings}
    rows = []
    for entry in entries:
        last = previous.get(entry["code"])
        carried = {
            "name": last.name if last else default_name(entry["quote"], entry["unit"]),
            "theme": last.theme if last else heading_texts.get(entry["section"], "")[:50],
            "name_en": last.name_en if last else "",
            "theme_en": last.theme_en if last else "",
            "headline": last.headline if last else False,
        }
        rows.append(
            {
                **carried,
                **{key: entry[key] for key in carried if key in entry},
                "accept": entry["accept"],
                "slug": entry["section"],
                "code": entry["code"],
                "value": str(entry["value"]),
                "unit": unit_for(entry["unit"], last, known),
                "qualifier": entry["qualifier"],
                "paragraph": entry["paragraph"],
                "quote": entry["quote"],
                "confidence": entry.get("confidence", 0),
            }
        )
    return rows


def row_formset(rows: Sequence[Mapping], *, headings: Sequence[Heading], prefix: str = "rows") -> ImportRowFormSet:
    """The review page's formset bound to ``rows`` (form data) as a browser would post them, so a row from a
    review file or ``--accept-all`` is checked exactly as one posted from the page."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(MAX_PROPOSALS),
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"{prefix}-{index}-{name}"] = "on"
            elif isinstance(value, Decimal):
                data[f"{prefix}-{index}-{name}"] = format(value, "f")
            elif value is not None:
                data[f"{prefix}-{index}-{name}"] = str(value)
    return ImportRowFormSet(data, prefix=prefix, form_kwargs={"headings": headings})
