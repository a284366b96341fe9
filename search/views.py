"""The search page: ``/search/?q=…&year=…&kind=…&page=…``."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from common.roles import public_page
from search.forms import SearchForm
from search.models import Kind
from search.results import result
from search.selectors import PAGE_SIZE, search_results


def query_string(*, q: str, years=(), kind: str = "", page: int = 1) -> str:
    """The page's query string for these filters: ``?q=…&year=2021&kind=figure&page=2`` (defaults left out)."""
    pairs = [("q", q), *(("year", year) for year in sorted(years))]
    if kind:
        pairs.append(("kind", kind))
    if page > 1:
        pairs.append(("page", page))
    return "?" + urlencode(pairs)


def filter_links(query: str, counts, *, years: list[int], kind: str) -> dict:
    """Links that pick a kind or a year (or all of them) keeping the other filter, each with its count."""
    kinds = [(_all_label(), None, query_string(q=query, years=years), not kind)]
    kinds += [
        (label, counts.kinds.get(value, 0), query_string(q=query, years=years, kind=value), value == kind)
        for value, label in Kind.choices
    ]
    year_links = [(_all_label(), None, query_string(q=query, kind=kind), not years)]
    year_links += [
        (str(year), n, query_string(q=query, years=[year], kind=kind), year in years)
        for year, n in counts.years.items()
    ]
    return {"kind_links": kinds, "year_links": year_links}


def _all_label() -> str:
    return gettext("全部")


@public_page
def search(request):
    """Results grouped by kind, newest year first, ``PAGE_SIZE`` a page. An empty query shows the form; an
    invalid one (too long, an unknown year or kind) the form with its errors and status 400; a page past the
    last, 404. The index is read in 2 queries (3 for a query of more than ``FIRST_READ`` matches, 1 when nothing
    matches): ``search.selectors.search_results``."""
    form = SearchForm(request.GET)
    context = {"form": form, "kinds": Kind, "page_size": PAGE_SIZE}
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    data = form.cleaned_data
    needle, years, kind, page = data["needle"], data["year"], data["kind"], data["page"]
    context |= {"query": data["q"], "needle": needle, "selected_years": years, "selected_kind": kind}
    if not needle:
        return render(request, "search/results.html", context)
    found = search_results(needle=needle, user=request.user, years=years, kind=kind, page=page)
    counts = found.facets
    pages = max(1, -(-counts.total // PAGE_SIZE))
    if page > pages:
        raise Http404("No such page of results.")
    context |= {
        "facets": counts,
        "results": [result(entry, needle) for entry in found.entries],
        "page": page,
        "pages": pages,
        "page_links": [
            (number, query_string(q=data["q"], years=years, kind=kind, page=number), number == page)
            for number in range(max(1, page - 4), min(pages, page + 4) + 1)
        ],
        **filter_links(data["q"], counts, years=years, kind=kind),
        "first_number": (page - 1) * PAGE_SIZE + 1,
    }
    return render(request, "search/results.html", context)
