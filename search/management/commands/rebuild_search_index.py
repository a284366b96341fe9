from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = "Empty the search index and index every figure, section, case, named list and attached text again."

    def handle(self, *args, **options):
        written = rebuild()
        self.stdout.write(f"Indexed {written} entries.")
