"""The three languages end to end: URLs, <html lang>, the switcher, text in the right script, English data."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from metrics.models import Figure
from reports.models import NamedItem, NotableCase, Report, Section
from tests.language_check import chinese_outside_chinese, traditional_outside_traditional

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

PAGES = [
    "/reports/",
    "/reports/2021/",
    "/reports/2021/stability/",
    "/reports/2021/crackdown/",
    "/reports/2021/mediation/",
    "/metrics/",
    "/metrics/?section=mediation&kind=rates",
    "/releases/",
    "/feeds/",
]
PREFIXES = {"": "zh-Hant", "/zh-hans": "zh-Hans", "/en": "en"}


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]*)"', html).group(1)


def switcher_links(html: str) -> dict[str, str]:
    block = re.search(r'<ul class="language-switcher".*?</ul>', html, re.S).group(0)
    return {lang: href for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', block)}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_page_has_the_lang_of_its_url(viewer_client, report_2021, prefix, path):
    response = viewer_client.get(prefix + path)
    assert response.status_code == 200
    assert html_lang(response.content.decode()) == PREFIXES[prefix]


@pytest.mark.parametrize("path", PAGES)
def test_english_page_has_no_chinese_outside_chinese_elements(viewer_client, report_2021, path):
    html = viewer_client.get("/en" + path).content.decode()
    assert chinese_outside_chinese(html) == set()
    assert '<q lang="zh-Hant">' in html or "/reports/2021/" not in path or path == "/reports/2021/"


@pytest.mark.parametrize("path", PAGES)
def test_simplified_page_has_no_traditional_outside_traditional_elements(viewer_client, report_2021, path):
    html = viewer_client.get("/zh-hans" + path).content.decode()
    assert traditional_outside_traditional(html) == set()


def test_verbatim_quote_stays_traditional_on_every_language(viewer_client, report_2021):
    quote = Figure.objects.get(code="mediation.disputes_resolved").source_quote
    for prefix in PREFIXES:
        html = viewer_client.get(prefix + "/reports/2021/mediation/").content.decode()
        assert f'<q lang="zh-Hant">{quote}</q>' in html
    simplified = viewer_client.get("/zh-hans/reports/2021/mediation/").content.decode()
    assert '<span class="quote-simplified" lang="zh-Hans">' in simplified


@pytest.mark.parametrize("prefix", PREFIXES)
def test_switcher_links_to_the_same_page_in_the_other_languages(viewer_client, report_2021, prefix):
    path = "/reports/2021/mediation/?sort=-value"
    links = switcher_links(viewer_client.get(prefix + path).content.decode())
    expected = {lang: other + path for other, lang in PREFIXES.items() if other != prefix}
    assert links == expected
    for lang, href in links.items():
        assert html_lang(viewer_client.get(href).content.decode()) == lang


def test_switcher_is_on_the_login_page(client, report_2021):
    links = switcher_links(client.get("/en/accounts/login/").content.decode())
    assert links == {"zh-Hant": "/accounts/login/", "zh-Hans": "/zh-hans/accounts/login/"}


def test_links_on_a_page_keep_its_language(viewer_client, report_2021):
    html = viewer_client.get("/en/reports/2021/").content.decode()
    assert 'href="/en/reports/2021/mediation/"' in html
    assert 'href="/en/metrics/"' in html


def test_unprefixed_urls_stay_traditional_and_reverse_unprefixed(viewer_client, report_2021):
    with translation.override("zh-hant"):
        assert reverse("metrics:section", kwargs={"year": 2021, "slug": "mediation"}) == "/reports/2021/mediation/"
    with translation.override("en"):
        assert reverse("metrics:section", kwargs={"year": 2021, "slug": "mediation"}) == "/en/reports/2021/mediation/"
    assert viewer_client.get("/healthz").status_code == 200
    assert viewer_client.get("/en/healthz").status_code == 404


def test_login_redirects_into_the_language_it_was_made_in(client, make_user, report_2021):
    make_user("viewer", username="reader")
    response = client.post("/zh-hans/accounts/login/", {"username": "reader", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"


def test_english_mediation_page_states_numbers_in_english(viewer_client, report_2021):
    html = viewer_client.get("/en/reports/2021/mediation/").content.decode()
    assert "nearly 90,000 households" in html
    assert "98.66%" in html
    assert "Tackling problems at the source for a harmonious, stable society" in html
    crackdown = viewer_client.get("/en/reports/2021/crackdown/").content.decode()
    assert "over 80,000 tonnes" in crackdown
    assert "7.9 million yuan" in crackdown
    assert "over 500 million yuan" in crackdown


def test_simplified_page_converts_data_text(viewer_client, report_2021):
    html = viewer_client.get("/zh-hans/reports/2021/mediation/").content.decode()
    assert "强化源头管控 力促社会和谐稳定" in html
    assert "近9万户" in html


def test_editor_change_shows_at_once_in_both_scripts(viewer_client, report_2021):
    viewer_client.get("/zh-hans/reports/2021/mediation/")
    section = Section.objects.get(report=report_2021, slug="mediation")
    section.heading = "強化源頭管控 維護穩定"
    section.save()
    assert "强化源头管控 维护稳定" in viewer_client.get("/zh-hans/reports/2021/mediation/").content.decode()


ENGLISH_FIELDS = {
    Report: ["title", "agency", "byline", "summary"],
    Section: ["heading", "summary"],
    NotableCase: ["title", "summary"],
    NamedItem: ["name"],
    Figure: ["name", "theme"],
}


def test_every_2021_text_has_english(report_2021):
    objects = {
        Report: Report.objects.filter(year=2021),
        Section: Section.objects.filter(report__year=2021),
        NotableCase: NotableCase.objects.filter(section__report__year=2021),
        NamedItem: NamedItem.objects.filter(section__report__year=2021),
        Figure: Figure.objects.filter(report__year=2021),
    }
    missing = [
        f"{model.__name__} {obj.pk}.{field}_en"
        for model, fields in ENGLISH_FIELDS.items()
        for obj in objects[model]
        for field in fields
        if getattr(obj, field) and not getattr(obj, f"{field}_en").strip()
    ]
    assert sum(len(queryset) for queryset in objects.values()) == 94
    assert missing == []


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_catalog_translates_every_message(locale):
    po = (Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    blocks = po.split("\n\n")[1:]
    # A translation ends the block; an empty one is a last line of just msgstr "".
    untranslated = [block for block in blocks if re.search(r'^msgstr(\[0\])? ""\Z', block.strip(), re.M)]
    assert untranslated == []


def test_admin_speaks_the_editors_language_and_edits_english_beside_chinese(client, make_user, report_2021):
    client.force_login(make_user("editor"))
    figure = Figure.objects.get(code="mediation.disputes_resolved")
    english = client.get(f"/en/admin/metrics/figure/{figure.pk}/change/").content.decode()
    assert html_lang(english) == "en"
    assert "Figure name (English)" in english
    assert 'value="Disputes settled"' in english
    simplified = client.get(f"/zh-hans/admin/metrics/figure/{figure.pk}/change/").content.decode()
    assert html_lang(simplified) == "zh-hans"  # Django's admin writes the language code as it is
    assert "指标名称（英文）" in simplified
