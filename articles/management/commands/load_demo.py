from django.core.management.base import BaseCommand

from articles.services import demo_load


class Command(BaseCommand):
    help = "Load the demo archive: the seed article, fully annotated. Safe to run again."

    def handle(self, *args, **options):
        counts = demo_load()
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo archive loaded: {summary}."))
