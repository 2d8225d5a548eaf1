"""Secure by default: the response headers, the allowed methods, password guessing."""

import pytest

PUBLIC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/statements/", 200),
        ("/statements/?date_from=2023-02-31", 400),
        ("/no-such-page/", 404),
        ("/feeds/statements/", 200),
        ("/sitemap.xml", 200),
    ],
)
def test_public_responses_carry_the_strict_policy(client, demo, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Security-Policy"] == PUBLIC_POLICY
    permissions = response["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in permissions


def test_the_admin_policy_allows_one_hashed_style_attribute_and_no_inline_script(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"].startswith("'self' 'unsafe-hashes' 'sha256-")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_static_files_carry_the_policy_too(client, settings):
    # Whitenoise serves them before any middleware runs; it adds the headers itself.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == PUBLIC_POLICY
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_are_not_framed_nor_sniffed(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
