from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.formats.downloads import prepare


class Command(BaseCommand):
    help = (
        "Write the whole public archive as gzipped CSV and JSON files with a manifest "
        "(rows, bytes, SHA-256), served at /downloads/. Run it after imports or nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Where to write (default: the DOWNLOADS_DIR setting).",
        )

    def handle(self, *args, directory, **options):
        directory = directory or Path(settings.DOWNLOADS_DIR)
        manifest = prepare(directory)
        for download in manifest.files:
            self.stdout.write(
                f"{download.name}: {download.rows:,} rows, {download.bytes:,} bytes, "
                f"sha256 {download.sha256}"
            )
        self.stdout.write(f"Written to {directory / manifest.run} at {manifest.generated_at}.")
