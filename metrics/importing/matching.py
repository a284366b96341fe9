"""From a report's text to review rows: headings, and proposals matched to last year's codes.

``import_rows`` is pure: the extractor's proposals, the text's headings and last
year's figures in, one ``ImportRow`` per proposal out, each with a suggested
section, code, name and theme and how sure the match to last year's code is.
What the editor accepts is written by ``metrics.services.create_report``.
An import reads at most ``MAX_PROPOSALS`` figures (``propose`` refuses a text that states more).
"""

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from metrics.choices import Unit as UnitName
from metrics.models import MAX_DECIMALS, Figure
from metrics.rates import rate_error
from metrics.services import AcceptedFigure, Heading
from metrics.text.clauses import stated_decimals
from metrics.text.extraction import Proposal, extract_figures, paragraphs
from metrics.text.units import same_unit
from reports.models import Section

#: The most figures one import reads from a text, and so the most rows its review shows and its
#: "create" step accepts. A work report states tens of figures, a long one a couple of hundred (the 2021
#: report: 54); a text past this is refused with a request to import it in parts. It bounds the
#: review's matching, the page's size and the fields "create" posts (see DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_PROPOSALS = 500

#: A heading is a short line without sentence punctuation, standing between paragraphs.
HEADING_MAX_CHARS = 40
SENTENCE_MARKS = re.compile(r"[，。；：,;:！？!?、]")
#: A heading's number, as reports write it before the words: 一、 （二） 3. — its 、 is no sentence mark.
HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])\s*")
#: The most headings (so sections) one import reads, as many as a report's admin page takes; lines past the
#: last are read as paragraphs. It bounds the choices of every row's section field on the review page.
MAX_SECTIONS = 20
#: How alike (0–1, ``proposed_topics``) a heading must be to a section of last year's for its topic to be proposed.
TOPIC_THRESHOLD = 0.5
#: The fewest characters a clause keeps without its numbers for its wording to count as restated in a later text.
MIN_WORDING_CHARS = 4
#: A generated slug (and topic) for a part whose topic is new: ``part-<its place among the headings>``.
PART_SLUG = "part-{}"
#: The heading of the one part of a text without headings (data in the source language, not page text).
WHOLE_TEXT = "全文"

#: Weights of a match's confidence: the words of the clause and the section it falls under.
TEXT_WEIGHT, SECTION_WEIGHT = 75, 25
#: Below this confidence (0–100) a proposal gets a new code rather than last year's.
MATCH_THRESHOLD = 60

NUMBERS = re.compile(r"[\d.,%％﹪]+|[〇零一二三四五六七八九十百千萬万億亿兩两]+")


@dataclass(frozen=True)
class ImportRow:
    """One proposal as the import page shows it. ``confidence`` is 0 when no code of last year matched.

    ``previous`` is last year's figure of the matched code (None when unmatched): the row carries its
    name and theme in both languages, its headline flag and its unit row (``unit``, None for a new code,
    whose unit the page offers from the text's wording).
    """

    proposal: Proposal
    heading: Heading | None
    slug: str
    code: str
    name: str
    theme: str
    confidence: int
    matched: bool
    name_en: str = ""
    theme_en: str = ""
    headline: bool = False
    unit: str | None = None
    previous: Figure | None = None


@dataclass(frozen=True)
class RateLink:
    """Last year's link of a rate, for this year's figure of its code: made when ``problem`` is empty."""

    rate: str
    numerator: str
    denominator: str
    problem: str = ""


@dataclass(frozen=True)
class LinkedParts:
    """What ``rates.rate_error`` reads of a rate and its counts."""

    name: str
    value: Decimal
    decimals: int = 0


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


def find_headings(text: str, previous: Iterable[Figure] = ()) -> list[Heading]:
    """The headings of ``text`` in order, at most ``MAX_SECTIONS``, each a section of its own.

    A heading is a non-empty line of at most ``HEADING_MAX_CHARS`` characters with no
    sentence punctuation after its number, if it has one (``HEADING_NUMBER``: 一、, （二）).
    A text without one reads as a single part headed ``全文``.
    Each heading is proposed the topic of a section of last year's figures ``previous``
    (``section`` joined) that it is most like (``proposed_topics``), and then that topic as
    its slug too, and that section's English heading; a heading without one gets ``part-<n>``
    (n its place among the headings) as slug and topic, and no English heading. Slugs and
    topics are unique among the headings.
    """
    found: list[tuple[int, str]] = []
    bodies: list[list[str]] = [[]]
    for number, line in enumerate(paragraphs(text), start=1):
        stripped = line.strip()
        words_of_heading = HEADING_NUMBER.sub("", stripped)
        is_heading = (
            words_of_heading and len(stripped) <= HEADING_MAX_CHARS and not SENTENCE_MARKS.search(words_of_heading)
        )
        if is_heading and len(found) < MAX_SECTIONS:
            if found:
                bodies.append([])
            found.append((number, stripped))
        else:
            # Text before the first heading belongs to it, as ``heading_for`` places its figures.
            bodies[-1].append(line)
    if not found:
        found = [(1, WHOLE_TEXT)]
    previous = list(previous)
    sections = {figure.section.topic: figure.section for figure in previous}
    topics = proposed_topics([line for _number, line in found], ["\n".join(body) for body in bodies], previous)
    taken = set(topics.values())
    headings = []
    for index, (number, line) in enumerate(found):
        topic = topics.get(index)
        if topic is None:
            topic = PART_SLUG.format(index + 1)
            while topic in taken:
                topic += "-x"
            taken.add(topic)
        english = sections[topic].heading_en if topic in sections else ""
        headings.append(Heading(paragraph=number, text=line, slug=topic, topic=topic, heading_en=english))
    return headings


def proposed_topics(lines: Sequence[str], bodies: Sequence[str], previous: Iterable[Figure]) -> dict[int, str]:
    """The topic of a section of ``previous`` (last year's figures) proposed for each heading that has one, by index.

    ``lines`` are the headings and ``bodies`` the text under each. A heading and a topic
    are alike by the greater of two shares (0–1): ``similarity`` of the heading to last
    year's heading of the topic, and the share of the topic's figures whose clause, its
    numbers left out, the heading's text restates word for word. Pairs are taken best
    first down to ``TOPIC_THRESHOLD``, each heading and topic once.
    """
    sections: dict[str, Section] = {}
    wordings: dict[str, list[str]] = {}
    for figure in previous:
        sections.setdefault(figure.section.topic, figure.section)
        wording = words(figure.source_quote)
        if len(wording) >= MIN_WORDING_CHARS:
            wordings.setdefault(figure.section.topic, []).append(wording)
    texts = [words(body) for body in bodies]

    def alike(index: int, topic: str) -> float:
        by_heading = similarity(lines[index], sections[topic].heading)
        stated = wordings.get(topic, [])
        by_figures = sum(wording in texts[index] for wording in stated) / len(stated) if stated else 0.0
        return max(by_heading, by_figures)

    pairs = sorted(
        ((alike(index, topic), index, topic) for index in range(len(lines)) for topic in sections),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    topics: dict[int, str] = {}
    for score, index, topic in pairs:
        if score < TOPIC_THRESHOLD:
            break
        if index not in topics and topic not in topics.values():
            topics[index] = topic
    return topics


def code_prefix(topic: str) -> str:
    """A new code's prefix for a section of ``topic``: its letters (``CODE_PATTERN``), ``part`` when it has none."""
    return re.sub("[^a-z]", "", topic) or "part"


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


#: The first number a clause writes in digits, with a 萬/億 after it, and an 餘/多 (over) after that.
FIRST_NUMBER = re.compile(r"\d[\d,.]*\s*[萬万億亿]?[餘余多]?")
#: Words that lead up to a clause's number without naming anything: 近, 約, 達到, 共計 …
LEAD_IN = re.compile(r"(?:近|約|约|逾|超過|超过|達到|达到|達|达|到|為|为|共計|共计|合計|合计|累計|累计|共|計|计)+$")


def default_name(quote: str, unit: str = "") -> str:
    """The Chinese name a new code's row is given: what its clause says before the number, without the words
    leading up to it (「抓獲嫌疑人近900名」 → 抓獲嫌疑人); for a clause that starts with its number, what follows
    the number and its unit (「603個必巡點」 → 必巡點); the clause itself when neither leaves a word."""
    match = FIRST_NUMBER.search(quote)
    if match is None:
        return quote[:100]
    before = LEAD_IN.sub("", quote[: match.start()]).strip(" ，,、；;：:")
    if before:
        return before[:100]
    after = quote[match.end() :]
    if unit and after.startswith(unit):
        after = after[len(unit) :]
    return (after.strip(" ，,、；;：:") or quote)[:100]


def similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, words(first), words(second), autojunk=False).ratio()


def _score(proposal: Proposal, topic: str, figure: Figure) -> int:
    text = max(similarity(proposal.quote, figure.source_quote), similarity(proposal.quote, figure.name))
    return round(TEXT_WEIGHT * text + SECTION_WEIGHT * (figure.section.topic == topic))


def import_rows(
    proposals: Sequence[Proposal], headings: Sequence[Heading], previous: Iterable[Figure]
) -> list[ImportRow]:
    """Each proposal with its section and a code: last year's where unit, words and topic agree.

    A proposal's section is its heading's (``heading_for``); without ``headings``, the one
    part ``find_headings`` gives a text without headings. Candidates share the proposal's unit; the confidence
    (0–100) weighs the words of the clause against last year's clause and name
    (``TEXT_WEIGHT``) and whether last year's section has the heading's topic
    (``SECTION_WEIGHT``). Pairs are taken best first, each code and proposal once, down
    to ``MATCH_THRESHOLD``. A matched proposal takes last year's code, so the two years
    compare, and carries what last year's figure says in English, its headline flag and its
    unit row (``ImportRow``); an unmatched one gets the new code
    ``<topic's letters>.p<paragraph>_<n>`` (n counts its paragraph's proposals), ``_new``
    appended while that is one of last year's codes or already taken, and no English name.
    ``previous`` needs ``section`` joined.
    """
    previous = list(previous)
    headings = list(headings) or find_headings("")
    placed = [heading_for(proposal.paragraph, headings) for proposal in proposals]
    pairs = sorted(
        (
            (_score(proposal, placed[index].topic, figure), index, figure)
            for index, proposal in enumerate(proposals)
            for figure in previous
            if same_unit(figure.unit_id, proposal.unit)
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

    # A new code is none of last year's (it would be compared with an unrelated figure) and none of this import's.
    taken |= {figure.code for figure in previous}
    rows, per_paragraph = [], {}
    for index, proposal in enumerate(proposals):
        heading = placed[index]
        per_paragraph[proposal.paragraph] = per_paragraph.get(proposal.paragraph, 0) + 1
        if index in matches:
            score, figure = matches[index]
            row = ImportRow(
                proposal,
                heading,
                heading.slug,
                figure.code,
                figure.name,
                figure.theme,
                score,
                True,
                name_en=figure.name_en,
                theme_en=figure.theme_en,
                headline=figure.headline,
                unit=figure.unit_id,
                previous=figure,
            )
        else:
            code = f"{code_prefix(heading.topic)}.p{proposal.paragraph}_{per_paragraph[proposal.paragraph]}"
            while code in taken:
                code += "_new"
            taken.add(code)
            row = ImportRow(
                proposal,
                heading,
                heading.slug,
                code,
                default_name(proposal.quote, proposal.unit),
                heading.text[:50],
                0,
                False,
            )
        rows.append(row)
    return rows


def carried_links(figures: Sequence[AcceptedFigure], previous: Iterable[Figure]) -> dict[str, RateLink]:
    """Last year's rate links for this year's ``figures`` (the accepted rows), by the rate's code.

    A figure whose code was a linked rate in ``previous`` (last year's figures, all of one report)
    gets last year's numerator and denominator codes. The link is made (empty ``problem``) when
    both codes are among ``figures`` too and the three values recompute (``rates.rate_error``);
    otherwise ``problem`` says why not, and the rate is imported unlinked.
    """
    previous = list(previous)
    code_of = {figure.pk: figure.code for figure in previous}
    last_links = {
        figure.code: (code_of.get(figure.numerator_id), code_of.get(figure.denominator_id))
        for figure in previous
        if figure.is_linked_rate
    }
    by_code = {figure.code: figure for figure in figures}
    links = {}
    for figure in figures:
        if figure.code not in last_links:
            continue
        numerator, denominator = last_links[figure.code]
        if not numerator or not denominator:
            continue
        absent = [code for code in (numerator, denominator) if code not in by_code]
        if absent:
            problem = _("上一年度與它連結的「%(codes)s」這次沒有匯入，比率不連結。") % {"codes": "、".join(absent)}
        elif figure.unit != UnitName.PERCENT:
            problem = _("單位不是「%」，不連結分子與分母。")
        else:
            parts = [by_code[code] for code in (numerator, denominator)]
            decimals = stated_decimals(
                figure.quote, value=figure.value, unit=figure.unit, qualifier=figure.qualifier, most=MAX_DECIMALS
            )
            problem = rate_error(
                LinkedParts(figure.name, figure.value, decimals),
                *(LinkedParts(part.name, part.value) for part in parts),
                [],
            )
            problem = _("數字對不上，比率不連結：%(reason)s") % {"reason": problem} if problem else ""
        links[figure.code] = RateLink(figure.code, numerator, denominator, str(problem))
    return links


def with_links(figures: Sequence[AcceptedFigure], links: dict[str, RateLink]) -> list[AcceptedFigure]:
    """``figures`` with the made ``links`` (``carried_links``) as their numerator and denominator codes."""
    return [
        replace(figure, numerator=link.numerator, denominator=link.denominator)
        if (link := links.get(figure.code)) is not None and not link.problem
        else figure
        for figure in figures
    ]


def offered_unit(unit: str, known: Collection[str]) -> str:
    """The unit a review row offers for ``unit`` as the text writes it: itself when it is one of the ``known``
    units, else the known spelling of the same unit (名 → 人), else the unit as written, which an editor
    adds in the admin before the row can be created."""
    if unit in known:
        return unit
    return next((candidate for candidate in sorted(known) if same_unit(candidate, unit)), unit)


def propose(text: str, previous: Iterable[Figure]) -> tuple[list[Heading], list[ImportRow]]:
    """The headings of ``text`` (topics proposed from ``previous``' sections) and its proposals as import rows.

    See ``find_headings`` and ``import_rows``; ``previous`` needs ``section`` joined.
    Raises ``TooManyProposals`` as soon as the extractor finds more than ``MAX_PROPOSALS``.
    """
    proposals = extract_figures(text, limit=MAX_PROPOSALS)
    if len(proposals) > MAX_PROPOSALS:
        raise TooManyProposals
    previous = list(previous)
    headings = find_headings(text, previous)
    return headings, import_rows(proposals, headings, previous)
