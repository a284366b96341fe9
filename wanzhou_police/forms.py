"""The two login forms (portal and admin), with the user name's length enforced.

Django's AuthenticationForm sets the user name field's ``max_length`` after the
field is built, so the length is never validated and an over-long name reaches
authentication and django-axes, which records it in a 255-character column (an
error on PostgreSQL). Here it is a form error, before any authentication runs.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _UsernameLengthChecked:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class PortalAuthenticationForm(_UsernameLengthChecked, AuthenticationForm):
    """The portal's login form (/accounts/login/)."""


class PortalAdminAuthenticationForm(_UsernameLengthChecked, AdminAuthenticationForm):
    """The admin's login form (/admin/login/)."""
