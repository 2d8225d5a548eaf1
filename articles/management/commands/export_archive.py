import datetime

from django.core.management.base import BaseCommand, CommandError

from articles.dates import parse_iso_date
from articles.formats.interchange import archive_export


def iso_date(value: str) -> datetime.date:
    try:
        return parse_iso_date(value)
    except ValueError as error:
        raise CommandError(f"{value!r}: {error}") from None


class Command(BaseCommand):
    help = (
        "Write the archive (or a part of it) as JSON in the conflict-archive format, "
        "version 1 (docs/data-format.md). Drafts are included unless --published-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="File to write; - for stdout.")
        parser.add_argument(
            "--published-only", action="store_true", help="Leave out draft records."
        )
        parser.add_argument("--date-from", type=iso_date, help="Articles published from.")
        parser.add_argument("--date-to", type=iso_date, help="Articles published until.")

    def handle(self, *args, output, published_only, date_from, date_to, **options):
        def progress(message: str) -> None:
            # Progress goes to stderr so that stdout can carry the archive itself.
            self.stderr.write(message)

        if output == "-":
            self.stdout.ending = ""  # the archive is written verbatim, piece by piece
            archive_export(
                self.stdout,
                published_only=published_only,
                date_from=date_from,
                date_to=date_to,
                progress=progress,
            )
            return
        with open(output, "w", encoding="utf-8") as out:
            counts = archive_export(
                out,
                published_only=published_only,
                date_from=date_from,
                date_to=date_to,
                progress=progress,
            )
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stderr.write(self.style.SUCCESS(f"Wrote {output}: {summary}."))
