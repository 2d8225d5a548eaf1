from django.core.management.base import BaseCommand, CommandError

from articles.services import quotes_check


class Command(BaseCommand):
    help = (
        "Report every quote whose text is no longer found in its article's body "
        "(e.g. after the body was edited). Exits with status 1 when there is any."
    )

    def handle(self, *args, **options):
        mismatches = quotes_check()
        for mismatch in mismatches:
            statement = mismatch.statement
            self.stdout.write(
                f"Statement {statement.pk} ({statement.speaker}) in article "
                f"{statement.article.slug!r}: not found in the body.\n"
                f"  quote:   {statement.text}\n"
                f"  closest: {mismatch.closest or '(nothing similar)'}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} quote(s) no longer match their article.")
        self.stdout.write("Every quote is found in its article's body.")
