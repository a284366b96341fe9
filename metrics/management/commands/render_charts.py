"""Draw on the server every bar chart a page may show that is not stored yet, in every language.

Pages show a chart's stored drawing (an SVG named by its content, ``metrics.charts.rendering``) and
load no plotly.js when every bar chart of the page has one; a chart without one is drawn in the
browser as before. One headless Chromium (kaleido) draws them all: about 1 s to start, then about
0.1 s a drawing. Storing new drawings bumps the content revision, so cached pages pick them up.

    manage.py render_charts            # draw what is missing, print counts
    manage.py render_charts --prune    # also delete drawings no page shows any more
    manage.py render_charts --watch 10 # keep drawing: look for a new content revision every 10 s
    manage.py render_charts --language en  # English only (repeatable)

A Chromium that does not start or draw in time (``Renderer``'s limits) ends it with an error; what it
drew before is stored. Without Chromium (BROWSER_PATH, else Debian's chromium-headless-shell or
chromium) it prints one line and succeeds.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from metrics import selectors, services
from metrics.charts.rendering import Renderer, RenderingError, browser_path, where_browsers_are_looked_for
from metrics.models import ChartImage
from reports.models import ContentRevision


class Command(BaseCommand):
    help = "Draw every bar chart of every report and metric page, in every language, that is not stored yet."

    def add_arguments(self, parser):
        parser.add_argument("--prune", action="store_true", help="delete stored drawings no page shows any more")
        parser.add_argument(
            "--language",
            action="append",
            choices=[code for code, _name in settings.LANGUAGES],
            help="only this language (repeatable; default: every language); --prune still keeps every language's",
        )
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            help="keep running: after each pass, wait for the content revision to change (checked every SECONDS)",
        )

    def handle(self, *args, prune, watch, language, **options):
        languages = language or [code for code, _name in settings.LANGUAGES]
        if browser_path() is None:
            self.stdout.write(
                f"render_charts: no Chromium at {where_browsers_are_looked_for()} (set BROWSER_PATH); "
                "pages draw their charts with plotly.js in the browser."
            )
            return
        try:
            with Renderer() as renderer:
                while True:
                    self.render_pass(renderer, languages=languages, prune=prune)
                    if watch is None:
                        return
                    # The pass's own drawings bump the revision: wait for a change made after it.
                    revision = ContentRevision.current()
                    while ContentRevision.current() == revision:
                        time.sleep(watch)
        except RenderingError as error:
            raise CommandError(
                f"render_charts: {error}; the drawings made before it are stored, pages draw the rest in the browser"
            ) from error

    def render_pass(self, renderer: Renderer, *, languages: list[str], prune: bool) -> None:
        started = time.monotonic()
        wanted = wanted_drawings(languages)
        stored = set(ChartImage.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
        drawings = []
        try:
            for key, (payload, width) in wanted.items():
                if key not in stored:
                    drawings.append(renderer.draw(payload, width=width))
        except RenderingError:
            services.store_chart_images(drawings=drawings)  # what was drawn before the fault is kept
            raise
        new = services.store_chart_images(drawings=drawings)
        pruned = 0
        if prune:
            every = [code for code, _name in settings.LANGUAGES]
            pruned = services.prune_chart_images(keep=wanted if languages == every else wanted_drawings(every))
        self.stdout.write(
            f"render_charts: {len(wanted)} drawings for {len(languages)} languages, "
            f"{len(stored)} already stored, {new} drawn, {pruned} pruned ({time.monotonic() - started:.1f} s)"
        )


def wanted_drawings(languages: list[str]) -> dict[str, tuple[dict, int]]:
    """Every drawing the pages may show in ``languages``: its key, and the payload and width to draw."""
    wanted: dict[str, tuple[dict, int]] = {}
    for language in languages:
        with translation.override(language):
            for chart in selectors.every_chart():
                for width, key in chart.image_keys.items():
                    wanted[key] = (chart.payload, width)
    return wanted
