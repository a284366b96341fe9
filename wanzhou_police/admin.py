"""The portal's admin site: Chinese header and titles, the admin login for every admin page,
and hostile input answered before any admin view runs.

Installed as Django's default site through ``PortalAdminConfig`` (wanzhou_police/apps.py),
so the apps register with ``admin.site`` as usual and never import this package.
"""

from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.urls import URLResolver, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from common.source_text import CONTROL_CHARACTERS  # no field holds them; PostgreSQL refuses NUL in any text
from wanzhou_police.forms import PortalAdminAuthenticationForm

#: Views whose form renders the ids it was given (raw ids in GET, any field in POST).
FORM_VIEWS = {"add_view", "change_view", "history_form_view"}


class PortalAdminSite(admin.AdminSite):
    site_header = _("萬州區公安局工作報告管理後台")
    site_title = _("萬州區公安局工作報告")
    index_title = _("報告、章節與數據管理")
    login_form = PortalAdminAuthenticationForm

    def get_urls(self):
        """Every admin URL sends an anonymous visitor to the admin login, not the portal's.

        LoginRequiredMiddleware redirects to a view's ``login_url``; Django sets it
        on the site's own views (index, app index) but not on a ModelAdmin's.
        """
        urls = super().get_urls()
        login_url = reverse_lazy("admin:login", current_app=self.name)

        def mark(patterns):
            for pattern in patterns:
                if isinstance(pattern, URLResolver):
                    mark(pattern.url_patterns)
                    continue
                # The login and logout views are bound methods marked login_not_required.
                view = getattr(pattern.callback, "__func__", pattern.callback)
                if getattr(view, "login_required", True) and not hasattr(view, "login_url"):
                    view.login_url = login_url

        mark(urls)
        return urls

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """A signed-in account without admin access gets the portal's 403 page in the page language.

        Django's admin would send it to its login form with a generic refusal ("you are
        authenticated as … but are not authorized"); the portal's page names who grants access.
        """
        if request.method == "GET" and request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied("no admin access")
        return super().login(request, extra_context)

    def admin_view(self, view, cacheable=False):
        """Django's permission-checked admin view, which first refuses input no admin view can use.

        For a signed-in staff user, before the view runs: a control character anywhere
        in the query string or form data is a 400; an object or history id in the URL
        that is not a key as the admin writes it (``abc``, ``1.5``, `` 1``, a number
        beyond the column) is a 404; an id in a form field that is not a valid key
        (``?numerator=abc``, an inline's ``figures-0-case=x``, a selected action's
        ``_selected_action=x``) is a 400. Django's own views would
        otherwise pass these to the database or render them back into autocomplete
        widgets, which query with them, and fail with a 500. A view that reads pasted
        text and drops control characters itself names those POST fields in its
        ``cleans_control_characters_in`` attribute.
        """
        model_admin = getattr(view, "__self__", None)
        cleaned_by_view = getattr(view, "cleans_control_characters_in", ())
        if not isinstance(model_admin, admin.options.BaseModelAdmin):

            def checked(request, *args, **kwargs):
                refuse_control_characters(request, cleaned_by_view=cleaned_by_view)
                return view(request, *args, **kwargs)

        else:

            def checked(request, *args, **kwargs):
                refuse_control_characters(request, cleaned_by_view=cleaned_by_view)
                check_url_ids(request, model_admin.model, args, kwargs)
                check_form_ids(request, model_admin, view.__name__)
                return view(request, *args, **kwargs)

        checked.__name__ = getattr(view, "__name__", "admin_view")
        return super().admin_view(checked, cacheable)


def refuse_control_characters(request, *, cleaned_by_view=()) -> None:
    """400 for a control character in a parameter's name or value, except in the POST fields the view cleans."""
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if CONTROL_CHARACTERS.search(key):
                raise BadRequest("control character in the admin request's parameters")
            if data is request.POST and key in cleaned_by_view:
                continue
            if any(CONTROL_CHARACTERS.search(value) for value in values):
                raise BadRequest("control character in the admin request's parameters")


def check_url_ids(request, model, args, kwargs) -> None:
    """404 unless the URL's object id (and a history view's version id) is a key written as the admin writes it.

    ``/figure/%201/delete/`` is not figure 1's delete page, though Django would read it as one.
    """
    object_id = kwargs.get("object_id", args[0] if args else None)
    if object_id is None:
        return
    field = model._meta.pk
    to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
    if to_field:
        try:
            field = model._meta.get_field(to_field)
        except FieldDoesNotExist:
            return  # Django refuses an unknown _to_field with a 400 itself.
    if not is_canonical_value(field, unquote(object_id)):
        raise Http404("not an object id")
    if len(args) > 1 and hasattr(model._meta, "simple_history_manager_attribute"):
        history = getattr(model, model._meta.simple_history_manager_attribute).model
        if not is_canonical_value(history._meta.pk, args[1]):
            raise Http404("not a history id")


def check_form_ids(request, model_admin, view_name: str) -> None:
    """400 when a form field that holds an id (a relation or a primary key) holds anything else.

    Fields are matched by name on the admin's model and its inlines' models, with
    any formset prefix (``figures-0-``, ``form-3-``) removed.
    """
    model = model_admin.model
    sources = []
    if view_name in FORM_VIEWS:
        sources += [request.GET, request.POST]
    elif view_name == "changelist_view":
        sources.append(request.POST)
        for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
            if not is_canonical_value(model._meta.pk, value):
                raise BadRequest("selected row is not an object id")
    if not any(sources):
        return
    models = [model, *(inline.model for inline in model_admin.inlines)]
    for data in sources:
        for key, values in data.lists():
            name = key.rsplit("-", 1)[-1]
            for candidate in models:
                field = id_field(candidate, name)
                if field is None:
                    continue
                for value in values:
                    parts = value.split(",") if field.many_to_many else [value]
                    if not all(is_valid_value(key_field(field), part) for part in parts if part):
                        raise BadRequest(f"{key} is not an id")


def id_field(model, name: str):
    """The field ``name`` of ``model`` when it holds ids (its primary key or a relation), else None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.primary_key or (field.is_relation and field.concrete):
        return field
    return None


def key_field(field):
    """The field whose values ``field`` holds: itself for a primary key, the target for a relation."""
    if field.primary_key and not field.is_relation:
        return field
    if field.many_to_many:
        return field.remote_field.model._meta.pk
    return field.target_field


def is_canonical_value(field, value: str) -> bool:
    """Whether ``value`` is a valid value of ``field`` spelled as Django writes it (``1``, not `` 1`` or ``01``)."""
    return is_valid_value(field, value) and str(field.to_python(value)) == value


def is_valid_value(field, value: str) -> bool:
    """Whether ``value`` is a value of ``field`` the database can compare (integers within the column's range)."""
    try:
        python_value = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    ranges = connection.ops.integer_field_ranges
    if isinstance(python_value, int) and field.get_internal_type() in ranges:
        low, high = ranges[field.get_internal_type()]
        return low <= python_value <= high
    return True
