"""Hostile input on every public parameter: never a server error, always a clear answer;
and markup written by editors shown as text on every public page, feed and JSON-LD block.

A table of hostile values (SQL injection, very long strings, control characters,
invalid UTF-8, Unicode oddities, odd numbers and dates, repeated and empty parameters,
path traversal, markup, format strings, full-text and LIKE syntax) is sent to every
parameter of every public page that reads one, on the demo archive so that filters
meet real rows. The parameters are read from the declarations (each list's FilterSet,
the search and actor-page forms), so a new filter is covered without editing this file.

What must hold for every request: no 5xx and no traceback; a malformed value answers
400 with the error shown to the reader (a value that is legitimately free text, such as
words to search for, may answer 200); markup sent in is never echoed as markup; and
nothing in the archive changes.
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from actors.models import Actor, Alias, Role
from articles.formats.tabular import FORMATS
from articles.models import Article, Correction, Event, Outlet, Place, Statement
from articles.records.registry import RECORD_TYPES
from articles.services import demo_load
from articles.website.forms import ActorStatementsForm, SearchForm
from articles.website.lists import NOT_FILTERS

from . import xss
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    """A client that gets the 500 page of a server error, as a reader would, instead
    of the exception: one run then names every value that fails, not only the first."""
    return Client(raise_request_exception=False)


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile value, as it is written in a query string.

    `encoded` holds the value(s) already percent-encoded, so bytes that are not UTF-8
    reach the server as sent; several values repeat the parameter, None sends the
    name alone (`?kind`).
    """

    kind: str
    encoded: tuple[str | None, ...]

    def query(self, name: str) -> str:
        return "&".join(name if value is None else f"{name}={value}" for value in self.encoded)

    @property
    def markup(self) -> str | None:
        """The decoded value when it is markup that must never come back unescaped."""
        text = unquote(self.encoded[0] or "")
        return text if "<" in text and ">" in text else None


def text(kind: str, *values: str) -> Hostile:
    return Hostile(kind, tuple(quote(value, safe="") for value in values))


def raw(kind: str, *values: str | None) -> Hostile:
    return Hostile(kind, values)


HOSTILE = [
    # SQL injection
    text("sql quote or", "' OR '1'='1"),
    text("sql drop", "1; DROP TABLE articles_statement;--"),
    text("sql double quote or", '" OR ""="'),
    text("sql union", "1' UNION SELECT username, password FROM auth_user--"),
    text("sql comment after a real slug", "matthew-miller'--"),
    text("sql sleep", "1); SELECT pg_sleep(5);--"),
    text("sql backslash quote", "\\'; --"),
    text("sql stacked in parentheses", "') OR 1=1 OR ('"),
    # very long
    text("10k ascii", "a" * 10_000),
    text("10k two-byte", "é" * 10_000),
    text("3k words", "word " * 3_000),
    text("5k digits", "9" * 5_000),
    text("10k parentheses", "(" * 10_000),
    text("just over the search limit", "x" * 501),
    # NUL and control characters
    raw("nul", "%00"),
    raw("nul inside", "a%00b"),
    raw("nul after a real slug", "matthew-miller%00"),
    raw("control characters", "%01%02%03%07%08%0b%0c%1b%7f"),
    raw("crlf header injection", "x%0d%0aSet-Cookie:%20a=1"),
    raw("tab", "%09"),
    raw("newline inside", "en%0a"),
    # invalid UTF-8 and broken percent-encoding
    raw("lone byte ff", "%ff"),
    raw("invalid two-byte", "%c3%28"),
    raw("encoded surrogate", "%ed%a0%80"),
    raw("beyond U+10FFFF", "%f4%90%80%80"),
    raw("overlong slash", "%c0%af"),
    raw("truncated sequence", "%e2%82"),
    raw("byte order bytes", "%fe%ff"),
    raw("malformed percent", "%zz%2"),
    raw("lone percent", "%"),
    # Unicode oddities
    text("rtl override", "\u202ematthew-miller"),
    text("zero width", "matthew\u200b-miller\ufeff"),
    text("combining marks", "e" + "\u0301" * 200),
    text("astral emoji", "\U0001f600\U0001f4a3"),
    text("full-width date", "２０２３－１０－２８"),
    text("arabic-indic digits", "٢٠٢٣-١٠-٢٨"),
    text("superscript digit", "²"),
    text("dotted capital i", "İSTANBUL"),
    text("noncharacter", "\uffff\ufffe"),
    text("private use (highlight markers)", "\ue000x\ue001"),
    text("cyrillic homoglyph", "mаtthew-miller"),
    text("unicode whitespace", "\u00a0\u2003\u3000"),
    # numbers
    text("negative", "-1"),
    text("zero", "0"),
    text("float", "1.5"),
    text("exponent", "1e308"),
    text("huge", "99999999999999999999999999999"),
    text("nan", "NaN"),
    text("infinity", "-Infinity"),
    text("hexadecimal", "0x10"),
    text("plus sign", "+1"),
    text("padded", " 2 "),
    text("underscore separator", "1_000"),
    # dates
    text("february 30", "2023-02-30"),
    text("year zero", "0000-01-01"),
    text("five-digit year", "99999-01-01"),
    text("month 13", "2023-13-01"),
    text("month zero", "2023-00-10"),
    text("first day of year 1", "0001-01-01"),
    text("last day of 9999", "9999-12-31"),
    text("relative", "yesterday"),
    text("day first", "28/10/2023"),
    text("localised", "28 octobre 2023"),
    text("with a time", "2023-10-28T00:00:00Z"),
    text("iso week", "2023-W43"),
    text("negative year", "-2023-01-01"),
    text("unpadded", "2023-1-1"),
    # repeated, empty and bare parameters
    text("repeated", "quote", "paraphrase"),
    text("repeated valid then garbage", "matthew-miller", "nonsense"),
    raw("empty", ""),
    raw("name only", None),
    text("whitespace", "   "),
    # path traversal
    text("dot dot slash", "../../../../etc/passwd"),
    raw("encoded dot dot", "..%2f..%2f..%2fetc%2fpasswd"),
    raw("double-encoded dot dot", "%252e%252e%252fetc%252fpasswd"),
    text("file url", "file:///etc/passwd"),
    text("windows path", "C:\\Windows\\win.ini"),
    # markup and script
    text("script tag", "<script>alert(1)</script>"),
    text("attribute breakout", '"><img src=x onerror=alert(1)>'),
    text("javascript url", "javascript:alert(1)"),
    text("svg onload", "</textarea><svg onload=alert(1)>"),
    text("single quote attribute", "' onmouseover='alert(1)"),
    text("template syntax", "{{ 7*7 }}{% debug %}"),
    # format strings
    text("printf", "%s%s%s%n%x"),
    text("python format", "{0}{__class__}{.__init__}"),
    text("percent mapping", "%(value)s%(password)s"),
    text("shell interpolation", "${7*7}$(id)`id`"),
    # full-text syntax
    text("lone double quote", '"'),
    text("unterminated phrase", '"cleverly said'),
    text("star", "*"),
    text("prefix star", "cleverl*"),
    text("near", "NEAR(cleverly blinken)"),
    text("boolean words", "AND OR NOT"),
    text("only or", "or"),
    text("lone minus", "-"),
    text("double minus", "--cleverly"),
    text("negated phrase only", '-"gaza"'),
    text("caret", "^cleverly"),
    text("parentheses", "(cleverly OR (blinken)"),
    text("column filter", "body:gaza"),
    text("column set", "{text translation}: gaza"),
    text("tsquery operators", "gaza & !israel | <-> :*"),
    text("colon", ":"),
    # LIKE wildcards and patterns
    text("percent", "%"),
    text("underscore", "_"),
    text("like all", "%_%"),
    text("like class", "[a-z]"),
    text("regex", "(a+)+$.*"),
    text("json object", '{"$gt": ""}'),
    text("null words", "null"),
]


def kind_count() -> int:
    return len({hostile.kind for hostile in HOSTILE})


def test_the_table_holds_about_eighty_kinds_of_hostile_value():
    assert kind_count() == len(HOSTILE) >= 80


# -- The pages and their parameters, read from the declarations -------------------------

LIST_URLS = {
    "statements": "articles:statement_list",
    "articles": "articles:article_list",
    "events": "articles:event_list",
    "actors": "actors:list",
}


def test_every_list_is_in_the_table():
    assert set(LIST_URLS) == {key for key, record in RECORD_TYPES.items() if record.filterset}


def list_parameters(key: str) -> list[str]:
    return [*RECORD_TYPES[key].filterset.base_filters, *NOT_FILTERS]


CASES = [
    *((key, name) for key in LIST_URLS for name in list_parameters(key)),
    *(("search", name) for name in [*SearchForm.base_fields, "page"]),
    *(("actor", name) for name in ActorStatementsForm.base_fields),
    ("outlet", "page"),
    ("place", "page"),
    ("suggestions", "q"),
]


def page_url(page: str) -> str:
    if page in LIST_URLS:
        return reverse(LIST_URLS[page])
    return {
        "search": lambda: reverse("search:results"),
        "actor": lambda: reverse("actors:detail", args=["james-cleverly"]),
        "outlet": lambda: Outlet.objects.get(slug="techballad").get_absolute_url(),
        "place": lambda: reverse("articles:place", args=[Place.objects.first().slug]),
        "suggestions": lambda: reverse("search:actors"),
    }[page]()


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def shown_error(page: str, name: str, response, content: str) -> bool:
    """Whether a 400 tells the reader what was wrong, where that page says it."""
    if name == "format" and page in LIST_URLS:
        return content.startswith("Unknown format")
    if page == "search":
        return 'class="search-errors" role="alert"' in content
    return 'class="notice notice-error" role="alert"' in content


def problem(page: str, name: str, hostile: Hostile, response) -> str | None:
    """What is wrong with one answer, or None."""
    status = response.status_code
    content = body(response)
    allowed = {200, 400, 404} if page in LIST_URLS else {200, 400}
    if status not in allowed:
        return f"answered {status}"
    if "Traceback" in content:
        return "shows a traceback"
    if status == 400 and not shown_error(page, name, response, content):
        return "answered 400 without showing the error"
    if page == "suggestions":
        if not isinstance(json.loads(content), list):
            return "suggestions are not a JSON list"
    elif response["Content-Type"].startswith("text/html") and hostile.markup:
        if hostile.markup in content:
            return "echoes the markup unescaped"
    return None


def archive_counts() -> dict[str, int]:
    models = (Actor, Alias, Role, Article, Correction, Event, Outlet, Place, Statement)
    return {model.__name__: model.objects.count() for model in models}


def test_the_table_covers_every_parameter_of_every_list():
    """A new filter lands in the table by itself: read from the FilterSets."""
    covered = {(page, name) for page, name in CASES}
    assert ("statements", "speaker") in covered
    for key in LIST_URLS:
        assert {(key, "page"), (key, "format"), (key, "sort"), (key, "q")} <= covered


HOSTILE_NAMES = ["%00", "%ff", "kind[]", "q[0]", "__proto__", "a" * 5_000, "%ed%a0%80", ""]


@pytest.fixture(scope="class")
def demo_archive(django_db_setup, django_db_blocker):
    """The demo archive, loaded once for a class of tests that only read; rolled back
    after them. Each test runs in a savepoint inside, as it would on its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_archive")
class TestOnTheDemoArchive:
    """Hostile values, parameter names and paths, where filters meet real rows."""

    @pytest.mark.parametrize(("page", "name"), CASES)
    def test_hostile_values_never_cause_a_server_error(self, reader, page, name):
        url = page_url(page)
        before = archive_counts()
        problems = []
        for number, hostile in enumerate(HOSTILE):
            query = hostile.query(name)
            response = reader.get(f"{url}?{query}")
            found = problem(page, name, hostile, response)
            if not found and response.status_code == 200 and page in LIST_URLS:
                # The value was accepted: the list's exports read it too, one format each
                # in turn (a failure in a stream would end a 200 early, so read it all).
                fmt = FORMATS[number % len(FORMATS)]
                export = reader.get(f"{url}?{query}&format={fmt}")
                found = problem(page, "format", hostile, export)
                found = found and f"format={fmt} {found}"
            if found:
                problems.append(f"{hostile.kind}: {found}")
        assert problems == [], f"{url} ?{name}="
        assert archive_counts() == before

    @pytest.mark.parametrize("page", ["statements", "articles", "events", "actors", "search"])
    def test_hostile_parameter_names_are_ignored_or_refused(self, reader, page):
        url = page_url(page)
        for name in HOSTILE_NAMES:
            response = reader.get(f"{url}?{name}=1")
            assert response.status_code in (200, 400), name
            assert "Traceback" not in body(response), name

    @pytest.mark.parametrize(
        ("path", "status"),
        [
            ("/dates/0000/", 404),
            ("/dates/0001/", 200),
            ("/dates/9999/", 200),
            ("/dates/9999/12/", 200),
            ("/dates/9999/12/31/", 200),
            ("/dates/0001/01/01/", 200),
            ("/dates/2023/02/30/", 404),
            ("/dates/2023/13/", 404),
            ("/dates/2023/00/01/", 404),
            ("/dates/99999/", 404),
            ("/statements/99999999999999999999999/", 404),
            ("/statements/-1/", 404),
            ("/articles/%ff/", 404),
            ("/actors/..%2f..%2fetc%2fpasswd/", 404),
            ("/events/%00/", 404),
            ("/places/%ed%a0%80/", 404),
            ("/outlets/" + "a" * 10_000 + "/", 404),
        ],
    )
    def test_hostile_paths_answer_404_or_the_page(self, reader, path, status):
        response = reader.get(path)
        assert response.status_code == status
        assert "Traceback" not in body(response)


# -- Markup written by editors ----------------------------------------------------------
# (In Chromium, with the scripts it would run: tests/test_browser_security.py.)

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def strings(data) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return []


def test_editor_markup_is_text_on_every_page_and_in_its_json_ld(client):
    records = xss.xss_archive()
    shown, in_json_ld = set(), set()
    for path in xss.html_pages(records):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        for raw_markup in (xss.XSS, xss.BREAKOUT, xss.XSS_URL):
            assert raw_markup not in html, path
        assert html.count("<script") == html.count("</script>"), path
        for block in JSON_LD.findall(html):
            assert "<" not in block and ">" not in block, path  # not even a tag to close
            in_json_ld.update(text for text in strings(json.loads(block)) if xss.XSS in text)
        visible = unescape(re.sub(r"<[^>]+>", " ", JSON_LD.sub("", html)))
        assert xss.XSS in visible, path  # every page shows some of it, as text
        shown.update(field for field in xss.FIELDS if xss.xss(field) in visible)
        shown.update(f"{name} url" for name in xss.URL_FIELDS if xss.XSS_URL + name in visible)
    # Every field is on some page, as the text the editor wrote.
    assert set(xss.FIELDS) - shown == set()
    assert {f"{name} url" for name in xss.URL_FIELDS} - shown == set()
    # The detail pages' JSON-LD carries the texts, unchanged once parsed.
    for field in ["statement text", "actor name", "article title", "event title", "place name"]:
        assert xss.xss(field) in in_json_ld, field


def test_editor_markup_is_text_in_every_feed(client):
    records = xss.xss_archive()
    for path in xss.feeds(records):
        response = client.get(path)
        assert response.status_code == 200, path
        feed = response.content.decode()
        assert xss.XSS not in feed and xss.BREAKOUT not in feed, path
        texts = [element.text or "" for element in ET.fromstring(feed).iter()]
        assert any(xss.XSS in text for text in texts), path  # as text once parsed


def test_the_suggestions_are_json_text(client):
    records = xss.xss_archive()
    response = client.get(reverse("search:actors"), {"q": "actor name"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == [{"slug": records["speaker"].slug, "name": xss.xss("actor name")}]


@pytest.mark.parametrize("field", ["url", "archive_url"])
def test_an_article_url_cannot_be_a_script(field):
    """Editors and imports write through full_clean(): a javascript: URL is refused."""
    article = ArticleFactory.build(**{field: "javascript:window.__xss=1"})
    with pytest.raises(ValidationError) as refused:
        article.full_clean(exclude=["outlet"])
    assert field in refused.value.message_dict


def test_no_url_field_takes_a_script():
    urls = {
        Outlet: {"url"},
        Article: {"url", "archive_url"},
        Statement: {"source_url"},
    }
    for model, names in urls.items():
        for name in names:
            field = model._meta.get_field(name)
            with pytest.raises(ValidationError):
                field.clean("javascript:window.__xss=1", None)
            field.clean(xss.XSS_URL, None)  # odd but a valid http URL: escaped where shown
