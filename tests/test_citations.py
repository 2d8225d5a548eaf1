"""Citations on every record page: plain text, BibTeX, CSL-JSON, the RIS download and the
Highwire `citation_*` meta tags, read from the pages as a reader (or Zotero) gets them."""

import datetime
import html
import json
import re

import pytest
from django.utils import timezone

from actors.models import Actor
from articles.models import Article, Event, Outlet, Place, Statement
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    OutletFactory,
    PlaceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://archive.example.org"
FSI, PDI = "\u2068", "\u2069"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Conflict Reporting Archive"


def cite_block(client, path: str) -> dict:
    """Every citation format of a record page, as the page and its RIS download give them."""
    response = client.get(path)
    assert response.status_code == 200, path
    content = response.content.decode()
    cite = content[content.index('class="cite-this"') :]

    def pre(label: str) -> str:
        return html.unescape(re.search(rf"{label}>(.*?)</pre>", cite, re.S).group(1))

    ris_link = html.unescape(re.search(r'<a href="([^"]+)" download>Download RIS</a>', cite)[1])
    ris = client.get(ris_link)
    assert ris.status_code == 200
    head = content[: content.index("</head>")]
    meta = re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', head)
    return {
        "plain": pre('aria-labelledby="cite-plain"'),
        "bibtex": pre('aria-label="BibTeX"'),
        "csl": json.loads(pre('aria-label="CSL-JSON"'))[0],
        "ris_link": ris_link,
        "ris_response": ris,
        "ris": ris.content.decode(),
        "meta": [(name, html.unescape(value)) for name, value in meta],
    }


def bibtex_field(entry: str, name: str) -> str | None:
    match = re.search(rf"^  {name} = \{{(.*)\}},?$", entry, re.M)
    return match[1] if match else None


def ris_field(text: str, tag: str) -> list[str]:
    return re.findall(rf"^{tag}  - (.*?)\r$", text, re.M)


def meta_field(meta: list, name: str) -> list[str]:
    return [value for key, value in meta if key == name]


def today() -> datetime.date:
    return timezone.localdate()


def test_a_statement_is_cited_as_said_in_its_outlet(client, demo):
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    url = f"{SITE}/statements/{statement.pk}/"
    cite = cite_block(client, statement.get_absolute_url())
    now = today()

    csl = cite["csl"]
    assert csl["issued"] == {"date-parts": [[2023, 10, 29]]}  # when it was said
    assert csl["accessed"] == {"date-parts": [[now.year, now.month, now.day]]}
    assert csl["container-title"] == "TechBallad"  # the outlet, not the archive
    assert csl["archive"] == "Conflict Reporting Archive"
    assert csl["author"] == [{"literal": "Matthew Miller"}]
    assert csl["URL"] == url

    entry = cite["bibtex"]
    assert entry.startswith(f"@misc{{archive-statement-{statement.pk},")
    assert (bibtex_field(entry, "year"), bibtex_field(entry, "month")) == ("2023", "10")
    assert bibtex_field(entry, "day") == "29"
    assert bibtex_field(entry, "howpublished") == "TechBallad"
    assert bibtex_field(entry, "author") == "{Matthew Miller}"
    assert bibtex_field(entry, "urldate") == now.isoformat()

    plain = cite["plain"]
    assert plain.startswith("Matthew Miller. Quote of Matthew Miller: “Secretary of State")
    assert "TechBallad, 29 October 2023." in plain
    assert "Archived in Conflict Reporting Archive." in plain
    assert f"Accessed {now.day} {now:%B %Y}. {url}" in plain

    ris = cite["ris"]
    assert ris.startswith("TY  - GEN\r\n") and ris.endswith("ER  -\r\n")
    assert ris_field(ris, "AU") == ["Matthew Miller"]
    assert ris_field(ris, "PY") == ["2023"] and ris_field(ris, "DA") == ["2023/10/29/"]
    assert ris_field(ris, "T2") == ["TechBallad"]
    assert ris_field(ris, "UR") == [url]
    assert ris_field(ris, "Y2") == [f"{now:%Y/%m/%d}/"]

    meta = cite["meta"]
    assert meta_field(meta, "citation_author") == ["Matthew Miller"]
    assert meta_field(meta, "citation_publication_date") == ["2023/10/29"]
    assert meta_field(meta, "citation_date") == ["2023/10/29"]
    assert meta_field(meta, "citation_journal_title") == ["TechBallad"]
    assert meta_field(meta, "citation_public_url") == [url]


def test_an_article_is_cited_as_its_outlet_published_it(client, demo):
    article = Article.objects.get()
    cite = cite_block(client, article.get_absolute_url())
    assert cite["csl"]["type"] == "article-newspaper"
    assert cite["csl"]["issued"] == {"date-parts": [[2023, 10, 30]]}
    assert cite["csl"]["container-title"] == "TechBallad"
    assert cite["bibtex"].startswith(f"@article{{archive-article-{article.pk},")
    assert bibtex_field(cite["bibtex"], "journal") == "TechBallad"
    assert ris_field(cite["ris"], "TY") == ["NEWS"]
    assert f"Original: {article.url}." in cite["plain"]
    assert meta_field(cite["meta"], "citation_journal_title") == ["TechBallad"]
    assert meta_field(cite["meta"], "citation_language") == ["en"]


def _pages():
    """One record page of each type, built to fill the citation's optional parts."""
    country = PlaceFactory(name="Lebanon")
    return {
        "statement": StatementFactory(said_on=datetime.date(2023, 10, 29)),
        "article": ArticleFactory(byline="Jane Reporter"),
        "event": EventFactory(start_date=datetime.date(2023, 10, 1), date_precision="month"),
        "actor": ActorFactory(name="Antony Blinken"),
        "outlet": OutletFactory(name="TechBallad"),
        "place": PlaceFactory(name="Mount Dov", parent=country),
    }


@pytest.mark.parametrize("kind", ["statement", "article", "event", "actor", "outlet", "place"])
def test_every_format_of_every_record_type_says_the_same(client, kind):
    record = _pages()[kind]
    path = record.get_absolute_url()
    url = SITE + path
    cite = cite_block(client, path)
    csl, entry, plain, ris, meta = (cite[k] for k in ("csl", "bibtex", "plain", "ris", "meta"))

    # One title, whole, everywhere.
    title = csl["title"]
    assert bibtex_field(entry, "title") == title.replace("&", r"\&")
    assert ris_field(ris, "TI") == [title]
    assert meta_field(meta, "citation_title") == [title]
    assert title in plain
    # One URL: the record's page, absolute from SITE_URL.
    assert csl["URL"] == bibtex_field(entry, "url") == url
    assert ris_field(ris, "UR") == [url] == meta_field(meta, "citation_public_url")
    assert plain.endswith(url)
    # One container: the outlet for what an outlet published, the archive otherwise.
    container = csl["container-title"]
    assert bibtex_field(entry, "journal") or bibtex_field(entry, "howpublished") == container
    assert ris_field(ris, "T2") == [container]
    assert f"{container}, " in plain or f"{container}." in plain
    # One date, at its precision.
    if "issued" in csl:
        parts = csl["issued"]["date-parts"][0]
        assert bibtex_field(entry, "year") == str(parts[0])
        assert ris_field(ris, "PY") == [str(parts[0])]
        assert meta_field(meta, "citation_publication_date") == [
            "/".join(f"{p:02d}" for p in parts)
        ]
        if len(parts) < 3:
            assert bibtex_field(entry, "day") is None
    else:  # a place: no date known
        assert bibtex_field(entry, "year") is None and not ris_field(ris, "PY")
    # One access date: today.
    now = today()
    assert csl["accessed"] == {"date-parts": [[now.year, now.month, now.day]]}
    assert bibtex_field(entry, "urldate") == now.isoformat()
    assert f"Accessed {now.day} {now:%B %Y}." in plain
    # The RIS file downloads under the record's key.
    response = cite["ris_response"]
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"] == f'attachment; filename="{csl["id"]}.ris"'


def test_the_dates_are_when_it_happened_not_the_last_change(client, demo):
    """The record changes today; its citation still dates it when it was said."""
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    statement.save()  # last change: today
    cite = cite_block(client, statement.get_absolute_url())
    assert cite["csl"]["issued"]["date-parts"][0][0] == 2023
    assert bibtex_field(cite["bibtex"], "year") == "2023"
    event = Event.objects.get(slug="iaf-air-strike-mount-dov-2023-10")
    cite = cite_block(client, event.get_absolute_url())
    assert cite["csl"]["issued"] == {"date-parts": [[2023, 10]]}
    assert ris_field(cite["ris"], "DA") == ["2023/10//"]
    assert meta_field(cite["meta"], "citation_publication_date") == ["2023/10"]


def test_a_long_statement_title_is_never_cut_inside_a_word(client):
    text = (
        "The ministers discussed humanitarian corridors, hostage negotiations, "
        "deconfliction arrangements and reconstruction financing in considerable detail"
    )
    statement = StatementFactory(text=text)
    cite = cite_block(client, statement.get_absolute_url())
    quoted = re.search(r": “(.*)”$", cite["csl"]["title"])[1]
    assert quoted.endswith("…") and len(quoted) <= 90
    shown = quoted.removesuffix("…").split()
    assert shown == text.split()[: len(shown)]  # whole words only
    assert cite["csl"]["title"] in cite["plain"]
    assert ris_field(cite["ris"], "TI") == [cite["csl"]["title"]]
    content = client.get(statement.get_absolute_url()).content.decode()
    og_title = html.unescape(re.search(r'<meta property="og:title" content="([^"]*)"', content)[1])
    assert og_title.endswith("…”")
    assert og_title.split("“", 1)[1].removesuffix("…”").split() == text.split()[: len(shown)]


def test_right_to_left_names_are_isolated_in_plain_text_only(client):
    speaker = ActorFactory(name="بنيامين نتنياهو")
    outlet = OutletFactory(name="הארץ")
    statement = StatementFactory(speaker=speaker, article=ArticleFactory(outlet=outlet))
    cite = cite_block(client, statement.get_absolute_url())
    plain = cite["plain"]
    assert plain.startswith(f"{FSI}بنيامين نتنياهو{PDI}.")
    assert f"{FSI}הארץ{PDI}, 30 October 2023." in plain
    assert f"Quote of {FSI}بنيامين نتنياهو{PDI}:" in plain
    # The other formats carry the names as written.
    assert cite["csl"]["author"] == [{"literal": "بنيامين نتنياهو"}]
    assert bibtex_field(cite["bibtex"], "author") == "{بنيامين نتنياهو}"
    assert FSI not in cite["bibtex"] + json.dumps(cite["csl"]) + cite["ris"]


def test_no_ris_download_for_a_draft(client):
    statement = StatementFactory(status="draft")
    event = EventFactory(status="draft")
    assert client.get(statement.get_absolute_url(), {"format": "ris"}).status_code == 404
    assert client.get(event.get_absolute_url(), {"format": "ris"}).status_code == 404


def test_the_ris_download_reads_a_few_queries_and_not_the_page(
    client, demo, django_assert_max_num_queries
):
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    actor = Actor.objects.get(slug="joe-biden")
    outlet, place = Outlet.objects.get(), Place.objects.filter(parent__isnull=False).first()
    for path, most in (
        # generation, statement with speaker/article/outlet/event, prefetches
        (statement.get_absolute_url(), 8),
        (actor.get_absolute_url(), 8),
        (outlet.get_absolute_url(), 3),
        (place.get_absolute_url(), 4),
    ):
        with django_assert_max_num_queries(most):
            response = client.get(path, {"format": "ris"})
        assert response.status_code == 200
        assert response.content.startswith(b"TY  - ")
