"""Secure by default: response headers, allowed methods, admin query strings, logins."""

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.auth import client_ip

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
        ("/downloads/", 200),
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


# Public pages answer GET and HEAD only; the admin is not so limited.


@pytest.fixture
def csrf_client(db):
    """A client that sends a valid CSRF token, as a page's own form would."""
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")  # sets the csrftoken cookie
    client.token = client.cookies["csrftoken"].value
    return client


@pytest.mark.parametrize("path", ["/", "/statements/", "/search/?q=x", "/downloads/"])
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch", "options", "trace"])
def test_public_pages_refuse_methods_other_than_get_and_head(csrf_client, path, method):
    request = getattr(csrf_client, method)
    if method == "post":
        response = request(
            path,
            {"csrfmiddlewaretoken": csrf_client.token},
            headers={"X-CSRFToken": csrf_client.token},
        )
    else:
        response = request(path, headers={"X-CSRFToken": csrf_client.token})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/", "/statements/", "/search/?q=x", "/downloads/"])
def test_public_pages_answer_get_and_head(client, db, path):
    assert client.get(path).status_code == 200
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_the_admin_still_takes_posts_with_that_token(csrf_client, maria):
    response = csrf_client.post(
        "/admin/login/?next=/admin/",
        {"username": "maria", "password": RIGHT, "csrfmiddlewaretoken": csrf_client.token},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# A NUL character in an admin query string is refused before it reaches PostgreSQL, which
# cannot store it in text and failed with a 500 on these changelist filters.


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?q=%00",
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/article/?language=en%00",
        "/admin/articles/statement/?kind__exact=%00",
        "/admin/articles/statement/?channel__exact=%00",
        "/admin/articles/event/?date_precision__exact=%00",
        "/admin/actors/actor/?country=%00",
        "/admin/actors/actor/?kind__exact=%00",
        "/admin/articles/outlet/?country=%00",
        "/admin/axes/accesslog/?path_info=%00",
        "/admin/articles/article/?%00=1",
    ],
)
def test_a_nul_character_in_an_admin_query_answers_400(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.text


def test_admin_filters_without_nul_still_work(staff_client, demo):
    assert staff_client.get("/admin/articles/article/?status__exact=published").status_code == 200
    assert staff_client.get("/admin/actors/actor/?country=GB").status_code == 200


# Password guessing: django-axes counts failures per username and address.

RIGHT = "a-long-pass-phrase-7"


@pytest.fixture
def maria(django_user_model):
    return django_user_model.objects.create_user("maria", password=RIGHT, is_staff=True)


def log_in(client, password, address="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "maria", "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def log_level_error():
    """The root logger at ERROR, as with LOG_LEVEL=ERROR."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    yield
    root.setLevel(level)


def test_five_wrong_passwords_lock_that_user_out_from_that_address(
    client, maria, caplog, log_level_error
):
    for _ in range(4):
        assert log_in(client, "wrong-guess-123").status_code == 200  # the form, with an error
    assert log_in(client, "wrong-guess-123").status_code == 429

    response = log_in(client, RIGHT)
    assert response.status_code == 429
    assert "too many login attempts" in response.text
    assert not logged_in(client)

    # Each failure is logged at WARNING with the user and the address, and so is the
    # lockout, even where LOG_LEVEL would hide warnings.
    failures = [r for r in caplog.records if r.name.startswith("axes") and "failure" in r.message]
    assert len(failures) >= 5
    assert all(r.levelno == logging.WARNING for r in failures)
    assert 'username: "maria"' in failures[0].message
    assert 'ip_address: "10.0.0.1"' in failures[0].message
    assert any("Locking out" in r.message for r in caplog.records)


def test_another_address_can_still_log_in_as_the_locked_out_user(client, maria):
    for _ in range(5):
        log_in(client, "wrong-guess-123")
    assert log_in(client, RIGHT).status_code == 429
    assert log_in(client, RIGHT, address="10.0.0.2").status_code == 302
    assert logged_in(client)


def test_an_admin_unlocks_with_axes_reset(client, maria):
    for _ in range(5):
        log_in(client, "wrong-guess-123")
    assert log_in(client, RIGHT).status_code == 429

    call_command("axes_reset_username", "maria", stdout=io.StringIO())

    assert log_in(client, RIGHT).status_code == 302
    assert logged_in(client)


def test_administrators_see_the_attempts_in_the_admin(staff_client, maria):
    log_in(staff_client, "wrong-guess-123")
    response = staff_client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert "maria" in response.text


def test_the_lockout_ends_after_an_hour(client, maria):
    from axes.models import AccessAttempt

    for _ in range(5):
        log_in(client, "wrong-guess-123")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=59))
    assert log_in(client, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert log_in(client, RIGHT).status_code == 302


def test_the_failure_limit_is_a_setting(client, maria, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert log_in(client, "wrong-guess-123").status_code == 200
    assert log_in(client, "wrong-guess-123").status_code == 429


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"  # not the client's own claim, 6.6.6.6


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("k7#qPz!w2Lx")
    validate_password("k7#qPz!w2Lx9")
