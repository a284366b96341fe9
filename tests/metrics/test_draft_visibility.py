"""A draft report shows through no page, download, list of choices or parameter to those who cannot see drafts.

Drafts (imported, not yet published) are for editors (``SEE_DRAFTS_PERMISSION``). To a viewer or an
analyst the draft's year, sections, figures and codes appear in no answer, and a path or filter that
names the draft's year or one of its codes answers exactly as one naming a year or code that does not
exist: the same status and the same body but for the value itself.

The walk: ``PAGES`` gives, for each URL pattern, paths that name nothing of the draft; ``PROBES``
gives the paths with a place for a draft value. A new URL pattern or explorer filter without a walk
fails ``test_walk_covers_every_portal_url`` or ``test_walk_covers_every_explorer_filter``.
"""

import html
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, quote_plus, unquote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, resolve
from openpyxl import load_workbook

from feeds.services import create_token
from metrics.charts.specs import SECTION_CHARTS
from metrics.explorer.filters import FigureFilter
from metrics.export import CONTENT_TYPES
from metrics.models import Figure
from metrics.tables import SectionFigureTable
from reports.models import Report
from reports.services import attach_source
from search.indexing import rebuild as rebuild_search_index
from tests.factories import SECTION_SLUGS, figure_for, make_case, make_named_item, make_report, make_section

# The draft is built once for the module (about 150 tests read it, none writes to it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

DRAFT_YEAR = 2022
#: A published report after the draft: its year over year must skip the draft and compare with 2021.
LATER_YEAR = 2023
MISSING_YEAR = 2030
PUBLISHED_YEARS = (2021, LATER_YEAR)

DRAFT_TITLE = "草稿年度工作綜述（未發布）"
DRAFT_ONLY_CODES = {slug: f"{slug}.draft_{index}" for index, slug in enumerate(SECTION_SLUGS, start=1)}
DRAFT_ONLY_NAMES = {slug: f"草稿獨有數據{index}" for index, slug in enumerate(SECTION_SLUGS, start=1)}
#: Stated by the draft and by the later published report, never by 2021: the later report's change
#: must say there is nothing to compare with, not compare with the draft.
DRAFT_AND_LATER_CODE = "mediation.draft_and_later"
MISSING_CODE = "mediation.no_such_1"
MISSING_NAME = "查無此名數據"
#: Every chart's codes: the draft states them all, so each chart CSV of the draft year has rows for editors.
CHART_CODES = {slug: [code for spec in specs for code in spec.codes] for slug, specs in SECTION_CHARTS.items()}
LATER_CODES = ("mediation.disputes_screened", "mediation.disputes_resolved", DRAFT_AND_LATER_CODE)
#: Every count the draft states: last year's value of the later report's figures if the draft leaked into it.
DRAFT_COUNT = 424242

#: Text only the draft holds: its title, section headings, cases, named items, figure names and codes.
DRAFT_TEXTS = (
    DRAFT_TITLE,
    *(f"草稿獨有章節{slug}" for slug in SECTION_SLUGS),
    "草稿獨有案例",
    "草稿獨有名錄",
    "草稿獨有原文",
    *DRAFT_ONLY_NAMES.values(),
    *DRAFT_ONLY_CODES.values(),
    str(DRAFT_COUNT),
)
DRAFT_YEAR_PATTERN = re.compile(rf"(?<![0-9]){DRAFT_YEAR}(?![0-9])")

ROLES = ("viewer", "analyst")
EXPORT_FORMATS = tuple(CONTENT_TYPES)


@pytest.fixture(scope="module")
def draft_for_module(report_2021_for_module, django_db_blocker) -> Report:
    """The 2021 report, a 2022 draft stating every chart's codes and its own, and a published 2023 report,
    made inside the module's transaction (see ``report_2021_for_module``)."""
    with django_db_blocker.unblock():
        return make_draft(Report.objects.get(year=2021))


@pytest.fixture
def draft(db, draft_for_module) -> Report:
    return draft_for_module


def make_draft(report_2021: Report) -> Report:
    report = make_report(DRAFT_YEAR, title=DRAFT_TITLE, published=False, summary="草稿獨有概述")
    units = dict(Figure.objects.filter(report=report_2021).values_list("code", "unit"))
    figures = []
    for slug in SECTION_SLUGS:
        section = make_section(report, slug, heading=f"草稿獨有章節{slug}", summary="草稿獨有章節摘要")
        codes = [*CHART_CODES.get(slug, ()), DRAFT_ONLY_CODES[slug]]
        if slug == "mediation":
            codes.append(DRAFT_AND_LATER_CODE)
            make_case(section, title="草稿獨有案例")
            make_named_item(section, name="草稿獨有名錄")
        for index, code in enumerate(codes, start=1):
            unit = units.get(code, "起")
            name = DRAFT_ONLY_NAMES[slug] if code == DRAFT_ONLY_CODES[slug] else f"草稿數據{index}"
            figures.append(
                figure_for(
                    section,
                    index,
                    code=code,
                    name=name,
                    unit_id=unit,
                    value=Decimal("42.42") if unit == "%" else Decimal(DRAFT_COUNT),
                    headline=index == 1,
                )
            )
    later = make_section(make_report(LATER_YEAR), "mediation", heading="2023 矛盾化解")
    figures += [figure_for(later, index, code=code) for index, code in enumerate(LATER_CODES, start=1)]
    for figure in figures:
        figure.fill_stated_defaults()
    Figure.objects.bulk_create(figures)
    attach_source(report=report, text="草稿獨有原文\n第二段", origin="draft.txt")
    attach_source(report=later.report, text="二〇二三年的原文\n第二段", origin="later.txt")
    rebuild_search_index()  # bulk_create sends no signal: the index must hold the draft for search to hide it
    return report


@pytest.fixture(params=ROLES)
def role_client(request, client, make_user, draft):
    client.force_login(make_user(request.param))
    return client


@dataclass(frozen=True)
class Probe:
    """A path with ``{}`` where a value goes: the draft's, then one that exists nowhere."""

    template: str
    draft: str
    missing: str

    def path(self, value: str) -> str:
        return self.template.format(quote_plus(value) if "?" in self.template else value)


YEAR = {"draft": str(DRAFT_YEAR), "missing": str(MISSING_YEAR)}
CODES = [{"draft": code, "missing": MISSING_CODE} for code in DRAFT_ONLY_CODES.values()]
NAME = {"draft": DRAFT_ONLY_NAMES["mediation"], "missing": MISSING_NAME}
SHARED_CODES = sorted({code for codes in CHART_CODES.values() for code in codes} | set(LATER_CODES))


def exports(paths: list[str]) -> list[str]:
    """Each explorer path as each download."""
    return [f"{path}{'&' if '?' in path else '?'}_export={fmt}" for path in paths for fmt in EXPORT_FORMATS]


def explorer_filter_values() -> dict[str, list[str]]:
    """Every value each explorer filter offers (the year's: the published years), sample values for the
    free ones. Built from the filter's own form, so a new choice is walked without editing this module."""
    fields = FigureFilter(queryset=Figure.objects.none()).form.fields
    values = {
        name: [str(key) for key, _label in field.choices if key != ""]
        for name, field in fields.items()
        if hasattr(field, "choices")
    }
    values["q"] = [DRAFT_AND_LATER_CODE, "化解"]
    values["value_min"] = ["100", "400000"]
    values["value_max"] = ["100", "400000"]
    return values


def explorer_pages() -> list[str]:
    values = explorer_filter_values()
    pages = ["/metrics/", "/metrics/?page=2", "/metrics/?year=2021&year=2023&per_page=100"]
    pages += [f"/metrics/?{name}={quote_plus(value)}" for name, choices in values.items() for value in choices]
    return pages


def explorer_exports() -> list[str]:
    """Every download, unfiltered and by each filter's first value."""
    values = explorer_filter_values()
    return exports(["/metrics/"] + [f"/metrics/?{name}={quote_plus(choices[0])}" for name, choices in values.items()])


def section_sorts() -> list[str]:
    names = [column.name for column in SectionFigureTable([]).columns if column.orderable]
    return [order for name in names for order in (name, f"-{name}")]


#: Paths that name nothing of the draft, by URL pattern (the explorer's downloads apart): a function each,
#: as some are read from the database.
PAGES = {
    "home": lambda: ["/", "/en/", "/zh-hans/"],
    "metrics:report-list": lambda: ["/reports/", "/en/reports/", "/zh-hans/reports/"],
    "metrics:overview": lambda: [f"/reports/{year}/" for year in PUBLISHED_YEARS] + ["/en/reports/2023/"],
    "metrics:section": lambda: [f"/reports/{year}/{slug}/" for year in PUBLISHED_YEARS for slug in SECTION_SLUGS]
    + [f"/reports/2023/mediation/?sort={order}" for order in section_sorts()]
    + ["/en/reports/2021/mediation/", "/zh-hans/reports/2023/mediation/"],
    "metrics:text": lambda: [f"/reports/{year}/text/" for year in PUBLISHED_YEARS]
    + ["/en/reports/2021/text/", "/zh-hans/reports/2023/text/"],
    # A drawing is named by the sha256 of its chart's content: a reader cannot name a draft's without knowing it.
    "metrics:chart-image": lambda: [f"/charts/{'0' * 64}.svg", f"/en/charts/{'f' * 64}.png"],
    "metrics:chart-csv": lambda: [
        f"/reports/{year}/{slug}/charts/{spec.key}.csv"
        for year in PUBLISHED_YEARS
        for slug, specs in SECTION_CHARTS.items()
        for spec in specs
    ],
    "metrics:explorer": lambda: explorer_pages() + ["/en/metrics/?year=2023", "/zh-hans/metrics/?change=any"],
    "metrics:explorer _export": lambda: explorer_exports() + exports(["/en/metrics/?year=2021"]),
    "metrics:series": lambda: [f"/metrics/{code}/" for code in SHARED_CODES] + [f"/en/metrics/{DRAFT_AND_LATER_CODE}/"],
    "metrics:series_csv": lambda: [f"/metrics/{code}/csv/" for code in SHARED_CODES],
    "metrics/series/ (moved)": lambda: [
        f"/metrics/series/{DRAFT_AND_LATER_CODE}/",
        f"/metrics/series/{DRAFT_AND_LATER_CODE}/csv/",
    ],
    "releases": lambda: ["/releases/", "/en/releases/"],
    "feeds:tokens": lambda: ["/feeds/"],
    "feeds (no token)": lambda: [
        "/feeds/reports.atom",
        "/feeds/revisions.atom",
        f"/feeds/metrics/{DRAFT_AND_LATER_CODE}.atom",
    ],
    "feeds (the reader's token)": lambda: token_feeds(role_token()),
    "robots and sitemap (public mode only)": lambda: ["/robots.txt", "/sitemap.xml"],
    "metrics:revisions": lambda: ["/revisions/", "/en/revisions/", "/revisions/?_export=csv", "/revisions/?year=2021"],
    "api": lambda: [
        "/api/v1/",
        "/api/v1/reports/",
        "/api/v1/reports/2023/",
        "/api/v1/reports/2023/sections/mediation/",
        "/api/v1/figures/",
        "/api/v1/figures/?format=csv",
        "/api/v1/figures/?format=xlsx",
        f"/api/v1/metrics/{DRAFT_AND_LATER_CODE}/",
        "/api/v1/bundles/2021.zip",
        "/api/v1/bundles/all.zip",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ],
    "api pages": lambda: ["/api/dictionary/", "/api/tokens/", "/api/tokens/1/revoke/"],
    "search": lambda: ["/search/", "/search/?q=化解", "/en/search/?q=disputes", "/search/?q=數據&kind=figure"],
    "healthz": lambda: ["/healthz", "/healthz/", "/favicon.ico"],
    "accounts": lambda: ["/accounts/login/", "/accounts/logout/"],
    "admin": lambda: ["/admin/", "/admin/reports/report/", "/admin/reports/section/"],
}


def role_token() -> str:
    """A feed token of the walk's one logged-in account (``role_client``'s viewer or analyst); a token of
    nobody where no account is logged in (the coverage test reads only the routes)."""
    user = get_user_model().objects.filter(username__in=[f"{role}-user" for role in ROLES]).first()
    return "no-such-token" if user is None else create_token(user=user, label="walk")[1]


def token_feeds(token: str) -> list[str]:
    feeds = ("reports.atom", "revisions.atom", *(f"metrics/{code}.atom" for code in SHARED_CODES))
    return [f"/feeds/{token}/{feed}" for feed in feeds] + [f"/en/feeds/{token}/reports.atom"]


_SECTION_PATHS = [f"/reports/{{}}/{slug}/" for slug in SECTION_SLUGS] + ["/reports/{}/mediation/?sort=-value"]
_EXPLORER_PATHS = [
    "/metrics/?year={}",
    "/metrics/?year=2021&year={}",
    "/metrics/?section=mediation&year={}",
    "/en/metrics/?year={}",
]

#: Paths with a place for a draft value, by URL pattern.
PROBES = {
    "metrics:overview": [Probe(path, **YEAR) for path in ("/reports/{}/", "/en/reports/{}/", "/zh-hans/reports/{}/")],
    "metrics:section": [Probe(path, **YEAR) for path in [*_SECTION_PATHS, "/en/reports/{}/crackdown/"]],
    "metrics:text": [Probe(path, **YEAR) for path in ("/reports/{}/text/", "/en/reports/{}/text/")],
    "metrics:chart-csv": [
        Probe(f"/reports/{{}}/{slug}/charts/{spec.key}.csv", **YEAR)
        for slug, specs in SECTION_CHARTS.items()
        for spec in specs
    ],
    "metrics:explorer": [Probe(path, **YEAR) for path in _EXPLORER_PATHS]
    + [Probe("/metrics/?q={}", **value) for value in [*CODES, NAME]],
    "metrics:explorer _export": [Probe(path, **YEAR) for path in exports(_EXPLORER_PATHS)]
    + [Probe(path, **value) for path in exports(["/metrics/?q={}"]) for value in [CODES[0], NAME]],
    "metrics:series": [Probe(path, **code) for path in ("/metrics/{}/", "/en/metrics/{}/") for code in CODES],
    "metrics:series_csv": [Probe("/metrics/{}/csv/", **code) for code in CODES],
    "metrics/series/ (moved)": [Probe(path, **CODES[0]) for path in ("/metrics/series/{}/", "/metrics/series/{}/csv/")],
    "metrics:revisions": [Probe(path, **YEAR) for path in ("/revisions/?year={}", "/revisions/?year={}&_export=csv")],
    "api": [
        *(
            Probe(path, **YEAR)
            for path in ("/api/v1/reports/{}/", "/api/v1/bundles/{}.zip", "/api/v1/figures/?year={}")
        ),
        *(Probe("/api/v1/metrics/{}/", **code) for code in CODES),
    ],
    "search": [
        Probe("/search/?q={}", **NAME),
        Probe("/search/?q={}", draft=str(DRAFT_COUNT), missing="898989"),
        Probe("/search/?q=化解&year={}", **YEAR),
    ],
}


def body_text(response) -> str:
    """Everything an answer says: its Location and file name, then its body (an XLSX's cells)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(body))
        text = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    elif response.get("Content-Type") == CONTENT_TYPES["xlsx"]:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        cells = [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]
        text = "\n".join(cells)
    else:
        text = body.decode("utf-8")
    headers = [response.get("Location", ""), unquote(response.get("Content-Disposition", ""))]
    return "\n".join([*headers, text])


def draft_traces(text: str) -> list[str]:
    """The draft's texts, codes and year found in ``text``."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text)
    found = [token for token in DRAFT_TEXTS if token in text]
    return found + ([str(DRAFT_YEAR)] if DRAFT_YEAR_PATTERN.search(text) else [])


def normalized(response, value: str) -> tuple:
    """An answer with ``value`` in any of its spellings, the CSRF token and the export time made placeholders."""
    text = body_text(response)
    text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', 'name="csrfmiddlewaretoken" value=""', text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "{time}", text)
    text = re.sub(r"-\d{8}([.-])", r"-{day}\1", text)
    if value.isdigit():
        text = re.sub(rf"(?<![0-9]){value}(?![0-9])", "{value}", text)
    else:
        ascii_name = value.encode("ascii", "replace").decode()  # a download's plain file name
        spellings = {quote_plus(value), quote(value), html.escape(value), value, ascii_name}
        for spelling in sorted(spellings, key=len, reverse=True):
            text = text.replace(spelling, "{value}")
    return response.status_code, response.get("Content-Type"), text


def route_of(path: str) -> str:
    """The URL pattern ``path`` resolves to, without the language prefix; ``admin/`` for all of the admin."""
    route = resolve(re.sub(r"^/(en|zh-hans)/", "/", urlsplit(path).path)).route
    return "admin/" if route.startswith("admin/") else route


def portal_routes(patterns=None, prefix: str = "") -> set[str]:
    routes = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver) and route != "admin/":
            routes |= portal_routes(pattern.url_patterns, route)
        else:
            routes.add(route)
    return routes


def test_walk_covers_every_portal_url(draft):
    walked = {route_of(path) for paths in PAGES.values() for path in paths()}
    walked |= {route_of(probe.path(probe.missing)) for found in PROBES.values() for probe in found}
    assert walked == portal_routes()


def test_walk_covers_every_explorer_filter(draft):
    walked = {name for path in explorer_pages() + explorer_exports() for name in re.findall(r"[?&](\w+)=", path)}
    assert walked == set(FigureFilter.base_filters) | {"page", "_export"}


@pytest.mark.parametrize("route", list(PAGES))
def test_portal_answers_show_nothing_of_the_draft(role_client, route):
    for path in PAGES[route]():
        response = role_client.get(path)
        assert response.status_code < 500, path
        assert draft_traces(body_text(response)) == [], path


@pytest.mark.parametrize("route", list(PROBES))
def test_portal_draft_values_answer_as_values_that_do_not_exist(role_client, route):
    for probe in PROBES[route]:
        draft_answer = normalized(role_client.get(probe.path(probe.draft)), probe.draft)
        missing_answer = normalized(role_client.get(probe.path(probe.missing)), probe.missing)
        assert draft_answer == missing_answer, probe.path(probe.draft)


def test_explorer_year_choices_are_the_published_years_only(draft, django_assert_num_queries):
    with django_assert_num_queries(1):
        choices = FigureFilter(queryset=Figure.objects.none()).form.fields["year"].choices
    assert [year for year, _label in choices] == [str(year) for year in PUBLISHED_YEARS]


def test_explorer_refuses_a_draft_year_export_as_a_year_without_report(draft, analyst_client):
    for year in (DRAFT_YEAR, MISSING_YEAR):
        response = analyst_client.get(f"/metrics/?year={year}&_export=csv")
        assert response.status_code == 400
        assert "Content-Disposition" not in response


def test_editor_sees_the_draft_the_walk_hides(draft, editor_client):
    """The walk's draft is live: editors reach it where drafts are shown, so its absence above means something."""
    overview = editor_client.get(f"/reports/{DRAFT_YEAR}/").content.decode()
    assert DRAFT_TITLE in overview and "草稿獨有章節mediation" in overview
    section = editor_client.get(f"/reports/{DRAFT_YEAR}/mediation/").content.decode()
    assert DRAFT_ONLY_NAMES["mediation"] in section and "草稿獨有案例" in section and "草稿獨有名錄" in section
    for slug, specs in SECTION_CHARTS.items():
        for spec in specs:
            response = editor_client.get(f"/reports/{DRAFT_YEAR}/{slug}/charts/{spec.key}.csv")
            assert response.status_code == 200
            assert re.search(rf"{DRAFT_COUNT}|42\.42", body_text(response))
    series = editor_client.get(f"/metrics/{DRAFT_ONLY_CODES['crackdown']}/")
    assert series.status_code == 200 and f'id="year-{DRAFT_YEAR}"' in series.content.decode()
    later = editor_client.get(f"/metrics/{DRAFT_AND_LATER_CODE}/").content.decode()
    assert f'id="year-{DRAFT_YEAR}"' in later and f'id="year-{LATER_YEAR}"' in later
