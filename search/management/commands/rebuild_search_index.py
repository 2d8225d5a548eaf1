from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = (
        "Re-index every archive row for full-text search (after a change of the normaliser, "
        "search/normalise.py). With --stale, only the rows marked for re-indexing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale", action="store_true", help="Only the rows the triggers marked stale."
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, stale, database, **options):
        if stale:
            done = index.catch_up(database)
        else:
            done = index.rebuild(database, progress=self._progress)
        self.stdout.write(self.style.SUCCESS(f"Search index: {done} rows re-indexed."))

    def _progress(self, kind: str, done: int, total: int) -> None:
        self.stdout.write(f"{kind}: {done} of {total} indexed")
