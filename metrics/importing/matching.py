"""From a report's text to reviewed figures: headings, proposals matched to last year's codes, and creation.

``import_rows`` is pure: the extractor's proposals, the text's headings and last
year's figures in, one ``ImportRow`` per proposal out, each with a suggested
section, code, name and theme and how sure the match to last year's code is.
``create_report`` writes what the editor accepted, in one transaction, audited.
An import reads at most ``MAX_PROPOSALS`` figures (``propose`` refuses a text that states more).
"""

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from django.db import transaction
from django.utils.translation import gettext as _

from metrics.models import MAX_DECIMALS, Figure, Unit
from metrics.text.clauses import MARKED_UNITS, stated_numbers
from metrics.text.extraction import Proposal, extract_figures, paragraphs
from reports.choices import SectionSlug
from reports.models import Report, Section

SECTION_SLUGS = [slug for slug, _label in SectionSlug.choices]

#: The most figures one import reads from a text, and so the most rows its review shows and its
#: "create" step accepts. A work report states tens of figures, a long one a couple of hundred (the 2021
#: report: 54); a text past this is refused with a request to import it in parts. It bounds the
#: review's matching, the page's size and the fields "create" posts (see DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_PROPOSALS = 500

#: A heading is a short line without sentence punctuation, standing between paragraphs.
HEADING_MAX_CHARS = 40
SENTENCE_MARKS = re.compile(r"[，。；：,;:！？!?、]")

#: Weights of a match's confidence: the words of the clause and the section it falls under.
TEXT_WEIGHT, SECTION_WEIGHT = 75, 25
#: Below this confidence (0–100) a proposal gets a new code rather than last year's.
MATCH_THRESHOLD = 60

NUMBERS = re.compile(r"[\d.,%％﹪]+|[〇零一二三四五六七八九十百千萬万億亿兩两]+")


@dataclass(frozen=True)
class Heading:
    paragraph: int
    text: str
    slug: str


@dataclass(frozen=True)
class ImportRow:
    """One proposal as the import page shows it. ``confidence`` is 0 when no code of last year matched."""

    proposal: Proposal
    heading: Heading | None
    slug: str
    code: str
    name: str
    theme: str
    confidence: int
    matched: bool


class TooManyProposals(Exception):
    """The text states more than ``MAX_PROPOSALS`` figures: nothing is proposed."""


def paragraph_texts(text: str, numbers: Collection[int]) -> dict[int, str]:
    """The paragraphs of ``text`` numbered ``numbers`` (1-based, as the extractor numbers them), by number."""
    wanted = set(numbers)
    found = {}
    for number, line in enumerate(paragraphs(text), start=1):
        if number in wanted:
            found[number] = line
            if len(found) == len(wanted):
                break
    return found


def find_headings(text: str) -> list[Heading]:
    """The section headings of ``text``, matched in order to the report's three sections.

    A heading is a non-empty line of at most ``HEADING_MAX_CHARS`` characters with
    no sentence punctuation. Lines after the third such line are read as paragraphs.
    """
    headings = []
    for number, line in enumerate(paragraphs(text), start=1):
        line = line.strip()
        if line and len(line) <= HEADING_MAX_CHARS and not SENTENCE_MARKS.search(line):
            headings.append(Heading(paragraph=number, text=line, slug=SECTION_SLUGS[len(headings)]))
            if len(headings) == len(SECTION_SLUGS):
                break
    return headings


def heading_for(paragraph: int, headings: Sequence[Heading]) -> Heading | None:
    """The last heading at or before ``paragraph``; the first heading for text before it; None without headings."""
    current = headings[0] if headings else None
    for heading in headings:
        if heading.paragraph <= paragraph:
            current = heading
    return current


def words(text: str) -> str:
    """``text`` without its numbers, for comparing what two clauses are about."""
    return NUMBERS.sub("", text)


def similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, words(first), words(second), autojunk=False).ratio()


def _score(proposal: Proposal, slug: str, figure: Figure) -> int:
    text = max(similarity(proposal.quote, figure.source_quote), similarity(proposal.quote, figure.name))
    return round(TEXT_WEIGHT * text + SECTION_WEIGHT * (figure.section.slug == slug))


def import_rows(
    proposals: Sequence[Proposal], headings: Sequence[Heading], previous: Iterable[Figure]
) -> list[ImportRow]:
    """Each proposal with its section and a code: last year's where unit, words and section agree.

    Candidates share the proposal's unit; the confidence (0–100) weighs the words of
    the clause against last year's clause and name (``TEXT_WEIGHT``) and the section
    (``SECTION_WEIGHT``). Pairs are taken best first, each code and proposal once, down
    to ``MATCH_THRESHOLD``. An unmatched proposal gets the new code
    ``<section slug>.p<paragraph>_<n>`` (n counts its paragraph's proposals).
    ``previous`` needs ``section`` joined.
    """
    previous = list(previous)
    slugs = []
    for proposal in proposals:
        heading = heading_for(proposal.paragraph, headings)
        slugs.append(heading.slug if heading else SECTION_SLUGS[0])
    pairs = sorted(
        (
            (_score(proposal, slugs[index], figure), index, figure)
            for index, proposal in enumerate(proposals)
            for figure in previous
            if figure.unit_id == proposal.unit
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2].code),
    )
    matches: dict[int, tuple[int, Figure]] = {}
    taken: set[str] = set()
    for score, index, figure in pairs:
        if score < MATCH_THRESHOLD:
            break
        if index not in matches and figure.code not in taken:
            matches[index] = (score, figure)
            taken.add(figure.code)

    rows, per_paragraph = [], {}
    for index, proposal in enumerate(proposals):
        heading = heading_for(proposal.paragraph, headings)
        per_paragraph[proposal.paragraph] = per_paragraph.get(proposal.paragraph, 0) + 1
        theme = heading.text[:50] if heading else _("匯入")
        if index in matches:
            score, figure = matches[index]
            slug = figure.section.slug
            row = ImportRow(proposal, heading, slug, figure.code, figure.name, figure.theme, score, True)
        else:
            slug = slugs[index]
            code = f"{slug}.p{proposal.paragraph}_{per_paragraph[proposal.paragraph]}"
            row = ImportRow(proposal, heading, slug, code, words(proposal.quote)[:100], theme, 0, False)
        rows.append(row)
    return rows


def propose(text: str, previous: Iterable[Figure]) -> tuple[list[Heading], list[ImportRow]]:
    """The headings of ``text`` and its proposals as import rows (``import_rows``).

    Raises ``TooManyProposals`` as soon as the extractor finds more than ``MAX_PROPOSALS``.
    """
    proposals = extract_figures(text, limit=MAX_PROPOSALS)
    if len(proposals) > MAX_PROPOSALS:
        raise TooManyProposals
    headings = find_headings(text)
    return headings, import_rows(proposals, headings, previous)


@dataclass(frozen=True)
class AcceptedFigure:
    """One row the editor accepted, as edited."""

    slug: str
    code: str
    name: str
    theme: str
    value: Decimal
    unit: str
    qualifier: str
    paragraph: int
    quote: str


def clause_decimals(quote: str, *, value, unit: str, qualifier: str) -> int:
    """The places ``quote`` writes ``value`` with (98.66 → 2); the value's own places when the clause does not state it.

    A clause that does not state the value is refused by ``Figure.full_clean``, which names the numbers it does state.
    """
    marked = unit if unit in MARKED_UNITS else None
    for number in stated_numbers(quote):
        if (number.value, number.unit, number.qualifier) == (Decimal(value), marked, qualifier):
            return number.decimals
    return min(max(-Decimal(value).normalize().as_tuple().exponent, 0), MAX_DECIMALS)


def create_report(
    *,
    year: int,
    agency: str,
    title: str,
    source_name: str,
    headings: Sequence[Heading],
    figures: Sequence[AcceptedFigure],
) -> Report:
    """Create the draft report, the sections its figures use, and the figures, in one transaction.

    Every row is saved on its own (not bulk) so each gets a history row carrying the
    reason; the acting user comes from the request (simple-history's middleware).
    A section's heading and paragraph come from ``headings``, else its slug's label. A figure
    is imported as its clause states it: ``stated_value`` is the value, ``decimals`` the clause's
    places; a correction is an edit made afterwards, with its reason.
    Raises ``ValidationError`` (from ``full_clean``) and rolls everything back when a row breaks a rule.
    """
    reason = _("從原文匯入：%(source)s") % {"source": source_name or title}
    by_slug = {heading.slug: heading for heading in headings}
    with transaction.atomic():
        report = Report(year=year, agency=agency, title=title, source_name=source_name, published=False)
        report.full_clean()
        report._change_reason = reason
        report.save()
        sections = {}
        for position, slug in enumerate(SECTION_SLUGS, start=1):
            if not any(figure.slug == slug for figure in figures):
                continue
            heading = by_slug.get(slug)
            section = Section(
                report=report,
                slug=slug,
                position=position,
                heading=heading.text if heading else SectionSlug(slug).label,
                source_paragraph=heading.paragraph if heading else 1,
            )
            section._change_reason = reason
            section.save()
            sections[slug] = section
        # One query for every row's unit; a row whose unit is not a row is left to full_clean's message.
        units = Unit.objects.in_bulk({accepted.unit for accepted in figures})
        for position, accepted in enumerate(figures, start=1):
            figure = Figure(
                report=report,
                section=sections[accepted.slug],
                code=accepted.code,
                name=accepted.name,
                theme=accepted.theme,
                value=accepted.value,
                stated_value=accepted.value,
                decimals=clause_decimals(
                    accepted.quote, value=accepted.value, unit=accepted.unit, qualifier=accepted.qualifier
                ),
                unit_id=accepted.unit,
                qualifier=accepted.qualifier,
                source_paragraph=accepted.paragraph,
                source_quote=accepted.quote,
                position=position,
            )
            # Figure.clean() states each of the table's constraints in the editor's words; validating them again
            # as constraints would cost a query per constraint (8 a figure), and the database enforces them anyway.
            # The report and section were saved just above, the units read once: no query is needed to know they exist.
            known = ["unit"] if accepted.unit in units else []
            if known:
                figure.unit = units[accepted.unit]
            figure.full_clean(exclude=["report", "section", *known], validate_constraints=False)
            figure._change_reason = reason
            figure.save()
    return report
