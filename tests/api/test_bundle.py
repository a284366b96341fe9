"""The bundles: the export's CSV per report, a datapackage.json that frictionless validates, README, revisions."""

import io
import json
import zipfile

import pandas
import pytest
from django.urls import reverse
from frictionless import Package

from api.services import create_token
from metrics import review
from metrics.models import Figure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]


@pytest.fixture
def analyst_secret(make_user) -> str:
    return create_token(user=make_user("analyst", username="analyst-bundle"), name="bundle", days=30)[1]


def fetch(client, url: str, secret: str, **extra) -> bytes:
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def test_bundle_validates_as_a_data_package_and_pandas_reads_every_csv(client, analyst_secret, tmp_path, make_user):
    figure = Figure.objects.filter(report__year=2021, unit="起").first()
    figure.value = figure.stated_value + 1
    figure.correction_reason = "測試更正"
    proposal = review.propose_figures(figures=[figure], user=make_user("editor"))
    review.approve(proposal_id=proposal.pk, user=make_user("approver"))
    archive = zipfile.ZipFile(io.BytesIO(fetch(client, reverse("api:bundle-all"), analyst_secret)))
    assert sorted(archive.namelist()) == ["README.md", "datapackage.json", "figures-2021.csv", "revisions.csv"]
    archive.extractall(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    fields = {field["name"]: field for field in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["qualifier"]["constraints"]["enum"] == ["exact", "approx", "over"]
    assert {unit["code"] for unit in descriptor["units"]} >= {"%"}
    figures = pandas.read_csv(tmp_path / "figures-2021.csv", encoding="utf-8-sig")
    assert len(figures) == Figure.objects.filter(report__year=2021).count()
    assert list(figures.columns)[0] == "report_year"
    revisions = pandas.read_csv(tmp_path / "revisions.csv", encoding="utf-8-sig")
    [revision] = revisions.to_dict("records")
    assert revision["reason"] == "測試更正" and revision["kind"] == "correction"
    assert revision["previous_value"] == figure.stated_value and revision["value"] == figure.stated_value + 1
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "萬州區公安局《2021年工作綜述》" in readme
    assert "revisions.csv" in readme


def test_bundle_of_one_report_holds_the_web_export_of_its_year(client, analyst_secret, analyst_client):
    web = b"".join(
        analyst_client.get(reverse("metrics:explorer"), {"year": "2021", "_export": "csv"}).streaming_content
    )
    client.logout()
    archive = zipfile.ZipFile(io.BytesIO(fetch(client, reverse("api:bundle", kwargs={"year": 2021}), analyst_secret)))
    assert archive.read("figures-2021.csv") == web


def test_bundle_readme_is_in_the_requested_language(client, analyst_secret):
    url = reverse("api:bundle", kwargs={"year": 2021})
    archive = zipfile.ZipFile(io.BytesIO(fetch(client, url, analyst_secret, HTTP_ACCEPT_LANGUAGE="en")))
    readme = archive.read("README.md").decode("utf-8")
    assert "Wanzhou District Public Security Bureau, \u201c" in readme
    assert "萬州區公安局《" not in readme


def test_bundle_of_a_missing_year_is_404(client, analyst_secret):
    response = client.get(reverse("api:bundle", kwargs={"year": 1990}), HTTP_AUTHORIZATION=f"Bearer {analyst_secret}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
