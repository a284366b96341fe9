"""The token page (create, shown once, last use, revoke) and the data dictionary page."""

import pytest
from django.urls import reverse

from api.dictionary import COLUMNS, QUALIFIERS
from api.forms import MAX_ACTIVE_TOKENS
from api.models import ApiToken
from api.services import create_token, digest_of
from metrics.export import EXPORT_COLUMNS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_2021_for_module")]

TOKENS = reverse("api-pages:tokens")


def test_token_page_shows_a_new_secret_once_and_stores_its_digest(analyst_client, django_assert_num_queries):
    posted = analyst_client.post(TOKENS, {"name": "筆電 pandas", "days": "90"})
    assert posted.status_code == 302 and posted["Location"] == TOKENS
    created = analyst_client.get(TOKENS)
    assert created["Cache-Control"] == "no-store"
    secret = created.context["secret"]
    token = ApiToken.objects.get()
    assert token.digest == digest_of(secret) and token.name == "筆電 pandas"
    assert (token.expires_at - token.created_at).days == 90
    assert secret.encode() in created.content
    with django_assert_num_queries(6):  # session, user, 2 permission reads, tokens, revision (navigation)
        again = analyst_client.get(TOKENS)
    assert secret.encode() not in again.content
    assert token.prefix.encode() in again.content
    assert "從未使用".encode() in again.content


def test_token_form_errors_are_400_and_make_nothing(analyst_client):
    assert analyst_client.post(TOKENS, {"name": "", "days": "90"}).status_code == 400
    assert analyst_client.post(TOKENS, {"name": "x", "days": "7"}).status_code == 400
    assert analyst_client.post(TOKENS, {"name": "x\x00", "days": "30"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_token_count_is_bounded(analyst_client):
    user = analyst_client.get(TOKENS).context["user"]
    for index in range(MAX_ACTIVE_TOKENS):
        create_token(user=user, name=f"t{index}", days=30)
    refused = analyst_client.post(TOKENS, {"name": "one more", "days": "30"})
    assert refused.status_code == 400
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_revoke_only_ones_own_token(analyst_client, make_user):
    user = analyst_client.get(TOKENS).context["user"]
    mine = create_token(user=user, name="mine", days=30)[0]
    theirs = create_token(user=make_user("viewer", username="someone"), name="theirs", days=30)[0]
    analyst_client.post(reverse("api-pages:revoke", kwargs={"token_id": theirs.pk}))
    analyst_client.post(reverse("api-pages:revoke", kwargs={"token_id": mine.pk}))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "已撤銷".encode() in analyst_client.get(TOKENS).content
    assert analyst_client.get(reverse("api-pages:revoke", kwargs={"token_id": mine.pk})).status_code == 405


def test_token_page_needs_a_role(client, make_user):
    client.force_login(make_user(None))
    assert client.get(TOKENS).status_code == 403


def test_dictionary_describes_every_export_column_and_qualifier(viewer_client, django_assert_num_queries):
    assert tuple(COLUMNS) == EXPORT_COLUMNS
    with django_assert_num_queries(8):  # session, user, 2 permission reads, units, navigation's 3
        page = viewer_client.get(reverse("api-pages:dictionary"))
    text = page.content.decode()
    for name in EXPORT_COLUMNS:
        assert f"<code>{name}</code>" in text
    for code in QUALIFIERS:
        assert f"<code>{code}</code>" in text
