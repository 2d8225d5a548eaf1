"""The prepared downloads: `/downloads/` lists the files `manage.py prepare_downloads`
wrote (as of when, rows, size, checksum) and `/downloads/<name>` serves one.

Only names in the manifest are served, from the run the manifest names: nothing else in
`DOWNLOADS_DIR` is reachable. Validators are the files' own (the manifest's and each
file's SHA-256), not the archive's generation: the files change when the command runs.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import quote_etag

from ..formats import downloads


def _directory() -> Path:
    return Path(settings.DOWNLOADS_DIR)


def index(request: HttpRequest) -> HttpResponse:
    manifest = downloads.read_manifest(_directory())
    context = {"manifest": manifest, "bound": settings.EXPORT_MAX_ROWS}
    response = render(request, "downloads.html", context)
    response["ETag"] = quote_etag(f"downloads-{manifest.run if manifest else 'none'}")
    return response


def download(request: HttpRequest, name: str) -> FileResponse:
    manifest = downloads.read_manifest(_directory())
    entry = manifest.find(name) if manifest else None
    if entry is None:
        raise Http404("No such prepared download.")
    try:
        file = open(downloads.path_of(_directory(), manifest, entry), "rb")  # noqa: SIM115
    except FileNotFoundError:
        raise Http404("No such prepared download.") from None
    stamp = manifest.generated_at.date().isoformat()
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"{entry.record}-{stamp}.{entry.format}.gz",
        content_type=downloads.CONTENT_TYPE,
    )
    response["ETag"] = quote_etag(entry.sha256)
    return response
