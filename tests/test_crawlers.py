"""What crawlers ask first: /robots.txt names the sitemap, /favicon.ico finds the icon."""

import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(client, settings):
    settings.SITE_URL = "https://archive.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: https://archive.example.org/sitemap.xml" in lines
    assert {"Disallow: /admin/", "Disallow: /search/", "Disallow: /downloads/"} <= set(lines)
    assert client.get("/sitemap.xml").status_code == 200


def test_no_page_of_the_sitemap_is_disallowed(client, demo, settings):
    disallowed = [
        line.removeprefix("Disallow: ")
        for line in client.get("/robots.txt").content.decode().splitlines()
        if line.startswith("Disallow: ")
    ]
    sections = client.get("/sitemap.xml").content.decode()
    assert "<sitemap>" in sections
    for section in ("statements", "articles", "actors", "events"):
        body = client.get(f"/sitemap-{section}.xml").content.decode()
        paths = [
            loc.split("</loc>")[0].removeprefix(settings.SITE_URL)
            for loc in body.split("<loc>")[1:]
        ]
        assert paths, section
        assert not [p for p in paths if p.startswith(tuple(disallowed))]


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # static files as whitenoise serves them
    settings.WHITENOISE_AUTOREFRESH = True
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in (
        client.get("/").content.decode()
    )
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
