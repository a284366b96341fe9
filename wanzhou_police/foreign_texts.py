"""Texts of installed apps that ship no catalog in one of our languages, named so that
``makemessages`` extracts them into ours and the admin reads in the page language.

django-axes has no Chinese catalog (its models and admin showed "Access attempts" on the
Traditional admin); Django's own zh-Hans admin catalog lacks the screen-reader captions of the
app list that its zh-Hant one has, so the Simplified admin fell back to the Traditional ones.
Traditional wording: locale/zh_Hant; Simplified: ``FOREIGN`` in locale/make_simplified_catalog.py.
"""

from django.utils.translation import gettext_noop

FOREIGN_TEXTS = (
    # Django admin's app list (templates/admin/app_list.html): captions read by screen readers.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes: models, fields and admin.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Meta Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Path"),
    gettext_noop("Logout Time"),
    gettext_noop("Expires At"),
    gettext_noop("Locked Out"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
)
