import re
import time

from django.core.management.base import BaseCommand, CommandError

from articles.generate import archive_generate, archive_vacuum


class Command(BaseCommand):
    help = (
        "Add a synthetic archive for benchmarks: N statements in N/10 articles, with "
        "actors, roles, outlets, places and events. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--statements", type=int, required=True, help="How many statements.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--per-article", type=int, default=10, help="Statements per article (default 10)."
        )

    def _progress_bar(self):
        """A bar redrawn in place on a terminal; one line per step in a log."""
        started = time.monotonic()

        def show(message: str) -> None:
            # "statements: 5000 of 1000000", "search index, statements: …", or a step
            # without numbers ("recounting the statement totals"), shown as done.
            numbers = re.search(r"(\d+) of (\d+)", message)
            share = int(numbers[1]) / int(numbers[2]) if numbers and int(numbers[2]) else 1
            elapsed = time.monotonic() - started
            bar = "#" * int(share * 30)
            line = f"[{bar:<30}] {share:4.0%} {message} ({elapsed:.0f} s)"
            if self.stdout.isatty():
                self.stdout.write("\r" + line, ending="")
            else:
                self.stdout.write(line)

        return show

    def handle(self, *args, statements, seed, per_article, **options):
        if statements < 1 or per_article < 1:
            raise CommandError("--statements and --per-article must be positive.")
        progress = self._progress_bar()
        try:
            counts = archive_generate(
                statements=statements,
                seed=seed,
                statements_per_article=per_article,
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        archive_vacuum(progress)
        if self.stdout.isatty():
            self.stdout.write("")
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {summary}."))
