"""The feeds' URLs (with a personal token, or without one in public mode) and the page where a reader manages
their tokens."""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.roles import public_mode
from feeds import selectors, services
from feeds.feeds import MetricFeed, ReportsFeed, RevisionsFeed
from feeds.models import FeedToken


def _feed_view(feed):
    """``feed`` behind the reader check: a 404 (the same for a missing, unknown or revoked token) unless
    ``selectors.feed_reader`` names a reader. Feed readers cannot log in, so no login is asked."""

    @login_not_required
    def view(request, token: str | None = None, **kwargs):
        reader = selectors.feed_reader(token)
        if reader is None:
            raise Http404(_("沒有這個訂閱。"))
        request.feed_reader = reader
        return feed(request, **kwargs)

    return view


reports_feed = _feed_view(ReportsFeed())
revisions_feed = _feed_view(RevisionsFeed())
metric_feed = _feed_view(MetricFeed())


class TokenForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("名稱"), max_length=60, strip=True)


def feed_urls(request, secret: str | None) -> list[tuple[str, str]]:
    """(what, absolute URL) of each feed, with ``secret`` in it (None: the URLs without a token)."""
    kwargs = {"token": secret} if secret else {}
    return [
        (_("新發布的報告"), request.build_absolute_uri(reverse("feeds:reports", kwargs=kwargs))),
        (_("數據修訂"), request.build_absolute_uri(reverse("feeds:revisions", kwargs=kwargs))),
        (
            _("一項數據（把 CODE 換成數據代碼）"),
            request.build_absolute_uri(reverse("feeds:metric", kwargs={**kwargs, "code": "CODE"})),
        ),
    ]


def tokens(request):
    """The reader's own feed tokens: make one (its secret shown on this answer only), or revoke one.

    Logged-in accounts only, as every portal page (the feeds without a token, in public mode, need none);
    a token opens the feeds only while its account may read (``selectors.feed_reader``). A POST with
    ``revoke`` revokes that token of this account (another's, or a revoked one, is a 404).
    """
    form = TokenForm()
    created = None
    status = 200
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                pk = int(request.POST["revoke"])
            except ValueError:
                raise Http404(_("沒有這個訂閱金鑰。")) from None
            if not services.revoke_token(user=request.user, pk=pk):
                raise Http404(_("沒有這個訂閱金鑰。"))
            return redirect("feeds:tokens")
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = services.create_token(user=request.user, label=form.cleaned_data["label"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                created = {"token": token, "urls": feed_urls(request, secret)}
                form = TokenForm()
        if not form.is_valid() and form.is_bound:
            status = 400
    context = {
        "form": form,
        "created": created,
        "tokens": FeedToken.objects.filter(user=request.user),
        "public_urls": feed_urls(request, None),
    }
    return render(request, "feeds/tokens.html", context, status=status)


def _public_only(view):
    """``view`` in public mode, a 404 otherwise: nothing tells a crawler the portal exists while it is closed."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not public_mode():
            raise Http404(_("本站未公開。"))
        return view(request, *args, **kwargs)

    return wrapped


@_public_only
def robots_txt(request):
    """Crawlers may read what public mode opens; the admin, the accounts, the explorer's filtered lists and
    downloads (``/metrics/?…``; the metric pages under ``/metrics/<code>/`` stay open) and the feeds stay out
    of their way, in every language. Names the sitemap."""
    lines = ["User-agent: *"]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            closed = [reverse("admin:index"), reverse("login").rsplit("/", 2)[0] + "/", reverse("feeds:tokens")]
            closed.append(reverse("metrics:explorer") + "?")
        lines += [f"Disallow: {path}" for path in closed]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


sitemap_xml = _public_only(sitemap_views.sitemap)
