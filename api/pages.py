"""The portal pages of the API: personal tokens, and the data dictionary."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api import dictionary, selectors, services
from api.forms import TokenForm
from common.roles import BROWSE_PERMISSION, EXPORT_PERMISSION, SEE_DRAFTS_PERMISSION
from metrics.models import Unit

browse_required = permission_required(BROWSE_PERMISSION, raise_exception=True)


#: Where a new secret waits for the one page that shows it (then it is gone from the session).
NEW_SECRET_KEY = "api_new_token"


@browse_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's tokens: create one, see last use, revoke.

    A created token's secret is kept in the session only until the redirected GET shows it
    (post/redirect/get: reloading the page neither shows it again nor makes another token).
    A GET is 1 query beyond the request's own (the list); a POST 2 (the active count, the insert).
    """
    if request.method == "POST":
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            _token, secret = services.create_token(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            request.session[NEW_SECRET_KEY] = secret
            return redirect("api-pages:tokens")
    else:
        form = TokenForm(user=request.user)
    context = {
        "form": form,
        "secret": request.session.pop(NEW_SECRET_KEY, None) if request.method == "GET" else None,
        "tokens": selectors.token_list(user=request.user),
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "sees_drafts": request.user.has_perm(SEE_DRAFTS_PERMISSION),
    }
    response = render(request, "api/tokens.html", context, status=400 if request.method == "POST" else 200)
    # The secret is on this answer once: never kept by a cache or the browser.
    response["Cache-Control"] = "no-store"
    return response


@browse_required
@require_POST
def revoke(request, token_id: int):
    if services.revoke_token(user=request.user, token_id=token_id):
        messages.success(request, _("權杖已撤銷，之後用它的請求會得到 401。"))
    else:
        messages.error(request, _("沒有這個有效權杖。"))
    return redirect("api-pages:tokens")


@browse_required
def data_dictionary(request):
    """Every exported column and code, as the bundles' datapackage.json and README describe them. 1 query (units)."""
    context = {
        "columns": [
            {"name": name, "type": kind, "description": description}
            for name, (kind, description) in dictionary.COLUMNS.items()
        ],
        "qualifiers": dictionary.QUALIFIERS.items(),
        "units": list(Unit.objects.published()),
    }
    return render(request, "api/dictionary.html", context)
