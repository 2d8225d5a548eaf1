from django.core.management.base import BaseCommand, CommandError

from articles.formats.interchange import ArchiveError, archive_import


class Command(BaseCommand):
    help = (
        "Read a conflict-archive JSON file into the database in one transaction. Records "
        "are matched by natural key; importing the same file again changes nothing. An "
        "invalid file is refused, naming the record and the field, and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive file written by export_archive.")
        parser.add_argument(
            "--keep-stale-quotes",
            action="store_true",
            help="Import quotes no longer found in their article's body instead of refusing "
            "the file; they are listed, and their pages say the passage is not found.",
        )

    def handle(self, *args, file, keep_stale_quotes, **options):
        flagged: list[str] = []
        try:
            with open(file, "rb") as stream:  # read as a stream of UTF-8 bytes
                counts = archive_import(
                    stream=stream,
                    progress=self.stdout.write,
                    keep_flagged=keep_stale_quotes,
                    flagged=flagged,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except ArchiveError as error:
            raise CommandError(f"{file} was not imported, nothing was written: {error}") from None
        for section, outcome in counts.items():
            self.stdout.write(
                f"{section}: {outcome['created']} created, {outcome['updated']} updated, "
                f"{outcome['unchanged']} unchanged"
            )
        for flag in flagged:
            self.stderr.write(self.style.WARNING(f"Kept, flagged: {flag}"))
        self.stdout.write(self.style.SUCCESS(f"Imported {file}."))
