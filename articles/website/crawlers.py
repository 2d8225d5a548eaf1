"""What crawlers ask of every site: `/robots.txt` and `/favicon.ico`.

robots.txt names the sitemap (absolute, from SITE_URL) and keeps crawlers out of what
is not a page of the archive: the editors' admin, search results (endless combinations
of words), and the prepared downloads (whole-archive files).
"""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse

from ..links import absolute

DISALLOWED = ("admin", "search", "downloads")


def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: /{prefix}/" for prefix in DISALLOWED),
        "",
        f"Sitemap: {absolute(reverse('discovery:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers and crawlers that ask `/favicon.ico` get the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)
