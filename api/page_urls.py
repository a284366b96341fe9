"""The API's portal pages, in the page language: ``/api/tokens/`` and ``/api/dictionary/``."""

from django.urls import path

from api import pages

app_name = "api-pages"

urlpatterns = [
    path("api/tokens/", pages.tokens, name="tokens"),
    path("api/tokens/<int:token_id>/revoke/", pages.revoke, name="revoke"),
    path("api/dictionary/", pages.data_dictionary, name="dictionary"),
]
