"""metrics.tables.provenance_html: the clause in its own script, and a Simplified rendering only where it differs."""

import pytest
from django.utils import translation

from metrics.tables import provenance_html
from tests.factories import figure_for, make_report, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return make_section(make_report(2030))


def test_provenance_html_simplified_page_adds_the_simplified_rendering_where_it_differs(section):
    figure = figure_for(section, 1, source_quote="調處矛盾糾紛8000起")
    with translation.override("zh-hans"):
        html = provenance_html(figure)
    assert '<q lang="zh-Hant">調處矛盾糾紛8000起</q>' in html
    assert '<span class="quote-simplified" lang="zh-Hans">（调处矛盾纠纷8000起）</span>' in html


def test_provenance_html_simplified_page_does_not_repeat_a_quote_the_same_in_both_scripts(section):
    figure = figure_for(section, 1, source_quote="化解率98.66%")
    with translation.override("zh-hans"):
        html = provenance_html(figure)
    assert '<q lang="zh-Hant">化解率98.66%</q>' in html
    assert "quote-simplified" not in html


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_provenance_html_other_languages_show_only_the_clause(section, language):
    figure = figure_for(section, 1, source_quote="調處矛盾糾紛8000起")
    with translation.override(language):
        assert "quote-simplified" not in provenance_html(figure)
