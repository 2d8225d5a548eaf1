"""The public detail pages and the home page: what a reader sees, drafts, query counts."""

import datetime
import html
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from actors.models import Actor
from articles.formats.citations import bibtex, citation_for, csl_json, plain_text
from articles.models import Article, Event, PublicationStatus, Statement
from articles.website.highlight import highlight_body

from .factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    OrganisationFactory,
    OutletFactory,
    PlaceFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT


def visible(response, content: str | None = None) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces folded."""
    if content is None:
        content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", content))
    text = re.sub(r"\s+", " ", text)
    # Punctuation set right after a closing tag reads as it does on screen.
    return re.sub(r" ([,.;:)])", r"\1", text)


def main_text(response) -> str:
    """The visible text of the <main> landmark only (no header, footer, citations' URLs)."""
    content = response.content.decode()
    return visible(None, content[content.index("<main") : content.index("</main>")])


class TagBalance(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def assert_well_formed(fragment: str):
    parser = TagBalance()
    parser.feed(fragment)
    parser.close()
    assert parser.stack == []


def mark(content: str, statement_id: int) -> str:
    """The inner HTML of <mark id="statement-<id>">, up to its own closing </mark>."""
    match = re.search(rf'<mark id="statement-{statement_id}"[^>]*>', content)
    assert match, f"no mark for statement {statement_id}"
    depth = 1
    for tag in re.finditer(r"<(/?)mark\b[^>]*>", content[match.end() :]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return content[match.end() : match.end() + tag.start()]
    raise AssertionError(f"mark for statement {statement_id} is not closed")


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# --- Statement page ------------------------------------------------------------------


def test_statement_page_shows_speaker_role_at_the_time_and_source(client, demo):
    statement = Statement.objects.get(speaker__slug="james-cleverly")
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    text = main_text(response)
    assert (
        "James Cleverly, Foreign Secretary, UK Foreign, Commonwealth & Development Office "
        "(at the time)" in text
    )
    assert "Quote" in text and "Verbatim, as printed in the source." in text
    assert "On behalf of UK Foreign, Commonwealth & Development Office" in text
    assert "Social media" in text
    assert "28 October 2023" in text
    assert "Cleverly–Cohen phone call" in text  # the event it is about
    for name in ("Eli Cohen", "Antony Blinken", "Israel"):
        assert name in text
    content = response.content.decode()
    passage = f'href="{statement.article.get_absolute_url()}#statement-{statement.pk}"'
    assert passage in content
    assert f'href="{statement.article.url}"' in content
    assert 'href="/outlets/techballad/"' in content


def test_statement_page_role_follows_the_date(client):
    person = ActorFactory(name="James Cleverly")
    RoleFactory(
        person=person,
        title="Foreign Secretary",
        start_date=datetime.date(2022, 9, 6),
        end_date=datetime.date(2023, 11, 13),
    )
    RoleFactory(person=person, title="Home Secretary", start_date=datetime.date(2023, 11, 13))
    before = StatementFactory(speaker=person, said_on=datetime.date(2023, 11, 12))
    after = StatementFactory(speaker=person, said_on=datetime.date(2023, 12, 1))
    assert "James Cleverly, Foreign Secretary" in main_text(client.get(before.get_absolute_url()))
    text = main_text(client.get(after.get_absolute_url()))
    assert "James Cleverly, Home Secretary" in text
    assert "Foreign Secretary" not in text


def test_paraphrase_is_not_presented_as_a_quote(client, demo):
    statement = Statement.objects.filter(kind=Statement.Kind.PARAPHRASE).first()
    response = client.get(statement.get_absolute_url())
    content = response.content.decode()
    assert "Not a quotation: the source's summary of what was said." in main_text(response)
    assert "<blockquote" not in content.split("<main", 1)[1].split("Cite this")[0]
    assert f"“{statement.text}”" not in content


def test_statement_in_another_language_shows_original_rtl_and_translation(client):
    article = ArticleFactory(language="ar", body="قال الوزير: «سنواصل الحديث». ثم غادر.")
    statement = StatementFactory(
        article=article,
        text="سنواصل الحديث",
        language="ar",
        translation="We will keep talking.",
    )
    content = client.get(statement.get_absolute_url()).content.decode()
    assert re.search(
        r'<blockquote[^>]*dir="auto"[^>]*lang="ar"[^>]*>\s*<p>«سنواصل الحديث»', content
    )
    assert re.search(
        r'<p class="translation big" dir="auto" lang="en">We will keep talking\.', content
    )
    assert "English translation" in content
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="article-body" dir="auto" lang="ar">' in article_page
    assert strip_tags(mark(article_page, statement.pk)) == "سنواصل الحديث"


def test_statement_page_links_original_source_and_archive_copy(client):
    article = ArticleFactory(archive_url="https://web.archive.org/web/2023/https://x.example/")
    statement = StatementFactory(article=article, source_url="https://x.example/post/1")
    content = client.get(statement.get_absolute_url()).content.decode()
    assert 'href="https://x.example/post/1"' in content
    assert 'href="https://web.archive.org/web/2023/https://x.example/"' in content


def test_statement_page_hides_a_draft_event(client):
    event = EventFactory(title="Secret meeting", status=DRAFT)
    statement = StatementFactory(event=event)
    assert "Secret meeting" not in client.get(statement.get_absolute_url()).content.decode()


# --- Citations -------------------------------------------------------------------------


def test_every_detail_page_has_a_citation_with_url_and_title(client, demo, settings):
    settings.SITE_URL = "https://archive.example.org"
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    article = statement.article
    event = Event.objects.get(slug="blinken-cleverly-call-2023-10-28")
    actor = Actor.objects.get(slug="antony-blinken")
    pages = [
        (statement.get_absolute_url(), "Quote of Matthew Miller"),
        (article.get_absolute_url(), article.title),
        (event.get_absolute_url(), event.title),
        (actor.get_absolute_url(), actor.name),
    ]
    for path, title in pages:
        response = client.get(path)
        content = response.content.decode()
        url = f"https://archive.example.org{path}"
        assert f'<link rel="canonical" href="{url}">' in content
        cite = content[content.index('class="cite-this"') :]
        cite_text = html.unescape(cite)
        assert "Cite this" in cite_text
        assert cite_text.count(url) >= 4  # stable URL, plain text, BibTeX, CSL-JSON
        assert title in cite_text
        assert "Last modified" in cite_text
        csl = re.search(r'aria-label="CSL-JSON">(.*?)</pre>', cite, re.S).group(1)
        item = json.loads(html.unescape(csl))[0]
        assert item["URL"] == url
        assert title in item["title"]


def test_citation_of_an_undated_record_is_dated_by_its_last_change_and_escapes_bibtex(settings):
    settings.SITE_URL = "https://archive.example.org"
    settings.SITE_NAME = "Archive"
    actor = ActorFactory(name="Bank & Trust_Co {100%}")
    citation = citation_for(actor)
    modified = actor.updated_at.date()
    assert plain_text(citation).endswith(f"https://archive.example.org/actors/{actor.slug}/")
    assert f"Last modified {modified.day} {modified:%B %Y}." in plain_text(citation)
    entry = bibtex(citation)
    assert r"title = {Bank \& Trust\_Co \{100\%\}}" in entry
    assert entry.startswith(f"@misc{{archive-actor-{actor.pk},")
    item = json.loads(csl_json(citation))[0]
    assert item["issued"] == {"date-parts": [[modified.year, modified.month, modified.day]]}
    assert item["title"] == "Bank & Trust_Co {100%}"


# --- Article page ----------------------------------------------------------------------


def test_article_page_highlights_every_published_statement(client, demo):
    article = Article.objects.get()
    response = client.get(article.get_absolute_url())
    content = response.content.decode()
    statements = Statement.objects.filter(article=article)
    # Seven statements, and the condemnation the article credits to both the US and the UK:
    # two statements over the same passage, each with its own anchor and link.
    assert statements.count() == 9
    for statement in statements:
        inner = mark(content, statement.pk)
        assert strip_tags(inner) == statement.text
        assert f'href="{statement.get_absolute_url()}"' in inner
        assert content.count(f'id="statement-{statement.pk}"') == 1
    body = content[content.index('<div class="article-body"') : content.index("</aside>")]
    body = body[: body.index("</div>") + 6]
    assert_well_formed(body)
    # Paragraphs of the source are kept.
    assert body.count("<p>") == article.body.count("\n\n") + 1
    text = main_text(response)
    assert "TechBallad" in text and "30 October 2023" in text
    assert article.body_sha256 in text
    assert "Blinken–Cleverly phone call on Gaza" in text  # events reported
    assert "Rishi Sunak" in text  # actors mentioned


def test_article_page_does_not_highlight_draft_statements(client):
    article = ArticleFactory(body="One. “We will keep talking.” Two. “We will not stop.”")
    public = StatementFactory(article=article)
    draft = StatementFactory(article=article, text="We will not stop.", status=DRAFT)
    content = client.get(article.get_absolute_url()).content.decode()
    assert f'id="statement-{public.pk}"' in content
    assert f'id="statement-{draft.pk}"' not in content
    assert f"/statements/{draft.pk}/" not in content


def test_article_body_is_escaped_and_overlapping_passages_stay_well_formed(client):
    article = ArticleFactory(
        body=(
            "<script>alert(1)</script> The minister said: “We will keep talking & "
            "we will not stop.” Then he left.\n\nA second paragraph."
        )
    )
    outer = StatementFactory(article=article, text="We will keep talking & we will not stop.")
    inner = StatementFactory(article=article, text="keep talking & we will", kind="paraphrase")
    spanning = StatementFactory(
        article=article, text="Then he left. A second paragraph.", kind="paraphrase"
    )
    content = client.get(article.get_absolute_url()).content.decode()
    body = content[content.index('<div class="article-body"') :]
    body = body[: body.index("</div>") + 6]
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert_well_formed(body)
    assert strip_tags(mark(content, outer.pk)).startswith("We will ")
    assert f'id="statement-{inner.pk}"' in body
    assert strip_tags(mark(content, inner.pk)) == "keep talking & we will"
    # A passage running over a paragraph break is marked in both paragraphs.
    assert body.count(f'data-statement="{spanning.pk}"') == 2
    assert body.count(f'id="statement-{spanning.pk}"') == 1


def test_highlight_body_unit_nested_and_adjacent():
    class S:
        def __init__(self, pk, kind="quote"):
            self.pk, self.kind = pk, kind

        def get_absolute_url(self):
            return f"/statements/{self.pk}/"

    body = "abc def ghi"
    out = str(highlight_body(body, [(0, 7, S(1)), (4, 11, S(2)), (0, 3, S(3))]))
    assert_well_formed(out)
    assert strip_tags(out) == body
    for pk in (1, 2, 3):
        assert out.count(f'id="statement-{pk}"') == 1


def test_highlight_body_unit_identical_passages_each_keep_an_anchor_and_a_link():
    class S:
        def __init__(self, pk, kind="paraphrase"):
            self.pk, self.kind = pk, kind

        def get_absolute_url(self):
            return f"/statements/{self.pk}/"

    body = "Intro. Both condemned the attack.\n\nNext."
    start = body.index("Both")
    end = body.index(" attack.") + len(" attack.")
    out = str(highlight_body(body, [(start, end, S(2)), (start, end, S(1))]))
    assert_well_formed(out)
    assert strip_tags(out) == "Intro. Both condemned the attack.\nNext."  # nothing added
    for pk in (1, 2):
        assert out.count(f'id="statement-{pk}"') == 1
        assert out.count(f'href="/statements/{pk}/"') == 1
        assert strip_tags(mark(out, pk)) == "Both condemned the attack."
        assert f'href="/statements/{pk}/"' in mark(out, pk)
    # The inner statement links its text; the outer one, which has no text of its own,
    # gets an empty named link at the end of its passage.
    assert '<a class="passage-also" href="/statements/1/"' in out
    assert 'aria-label="Open statement 1"' in out


# --- Actor page ------------------------------------------------------------------------


def test_actor_page_shows_facts_roles_sections_events_and_articles(client, demo):
    response = client.get("/actors/james-cleverly/")
    assert response.status_code == 200
    text = main_text(response)
    assert "Person" in text and "United Kingdom" in text  # the country's name, not GB
    assert "Foreign Secretary, UK Foreign, Commonwealth & Development Office" in text
    assert "Home Secretary, UK Home Office" in text
    assert "@JamesCleverly" in text  # alias
    assert "Statements by James Cleverly (1)" in text
    assert "Statements about James Cleverly (2)" in text
    assert "Blinken–Cleverly phone call on Gaza" in text
    assert "Cleverly–Cohen phone call" in text and "Initiator" in text
    assert "Israel-Gaza War: James Cleverly and Antony Blinken" in text  # articles mentioning
    content = response.content.decode()
    assert 'href="/statements/?speaker=james-cleverly"' in content
    assert 'href="/statements/?actor=james-cleverly"' in content


def test_actor_page_links_wikidata_parent_and_children(client, demo):
    israel = client.get("/actors/israel/").content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q801"' in israel
    idf = main_text(client.get("/actors/israel-defense-forces/"))
    assert "Part of Israel" in idf
    assert "Includes Israel Air Force" in idf


def test_actor_timeline_mixes_roles_events_and_statements_in_date_order(client, demo):
    content = client.get("/actors/james-cleverly/").content.decode()
    timeline = content[content.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})"', timeline)
    assert dates == sorted(dates)
    labels = strip_tags(timeline)
    order = [
        "Became Foreign Secretary",
        "Blinken–Cleverly phone call on Gaza",
        "Today @JamesCleverly spoke",
        "Left office as Foreign Secretary",
        "Became Home Secretary",
        "Left office as Home Secretary",
    ]
    positions = [labels.index(label) for label in order]
    assert positions == sorted(positions)


def test_actor_activity_chart_is_inline_svg_with_text_alternative(client, demo):
    content = client.get("/actors/james-cleverly/").content.decode()
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="chart-title">Activity of James Cleverly per month</title>' in svg
    assert "<desc" in svg
    assert "October 2023: 3 statements, 2 events" in svg
    table = content[content.index("<table") : content.index("</table>")]
    assert re.search(r"October 2023</time></th><td>3</td><td>2</td>", table)


def test_actor_statement_sections_filter_by_date(client):
    actor = ActorFactory()
    old = StatementFactory(speaker=actor, said_on=datetime.date(2023, 1, 5))
    new = StatementFactory(speaker=actor, said_on=datetime.date(2023, 10, 5))
    response = client.get(f"/actors/{actor.slug}/?by_from=2023-06-01")
    content = response.content.decode()
    by = content[content.index('id="by"') : content.index('id="about"')]
    assert f"/statements/{new.pk}/" in by
    assert f"/statements/{old.pk}/" not in by
    assert "(1)" in by
    assert f'href="/statements/?speaker={actor.slug}&amp;date_from=2023-06-01"' in by


@pytest.mark.parametrize(
    "query, message",
    [
        ("by_from=not-a-date", "“not-a-date”: Enter a date as YYYY-MM-DD"),
        ("by_from=2023-13-45", "“2023-13-45”: Enter a date as YYYY-MM-DD"),
        ("by_from=%27%3B+DROP+TABLE", "“'; DROP TABLE”: Enter a date as YYYY-MM-DD"),
        ("by_from=" + "9" * 500, "Enter a date as YYYY-MM-DD"),
        # The lists' one date format: a locale's day/month/year is refused here too.
        ("by_from=28/10/2023", "“28/10/2023”: Enter a date as YYYY-MM-DD, for example 2023-10-28."),
        ("by_from=2024-01-01&by_to=2023-01-01", "The end date is before the start date."),
        ("about_to=2023-02-30", "“2023-02-30”: Enter a date as YYYY-MM-DD"),
    ],
)
def test_actor_page_bad_dates_give_a_message_not_an_error(client, query, message):
    actor = ActorFactory()
    statement = StatementFactory(speaker=actor, said_on=datetime.date(2023, 10, 5))
    response = client.get(f"/actors/{actor.slug}/?{query}")
    assert response.status_code == 200
    assert message in visible(response)
    assert 'aria-invalid="true"' in response.content.decode()
    # The bad filter is ignored: the section still lists the statement.
    assert f"/statements/{statement.pk}/" in response.content.decode()


# --- Event, outlet, place --------------------------------------------------------------


def test_event_page_shows_precision_codes_place_participants_reports(client, demo):
    text = main_text(client.get("/events/iaf-air-strike-mount-dov-2023-10/"))
    assert "October 2023" in text
    assert "1 October 2023" not in text
    assert "Explosions/Remote violence › Air/drone strike" in text
    assert "Initiator Israel Air Force" in text
    assert "Mount Dov (Shebaa Farms)" in text
    assert "Israel-Gaza War: James Cleverly" in text
    assert "In addition to the ground operations" in text  # statement about it

    call = main_text(client.get("/events/blinken-cleverly-call-2023-10-28/"))
    assert "CAMEO code 041 (Discuss by telephone)" in call
    assert "28 October 2023" in call
    assert "Who took part Participants Antony Blinken James Cleverly" in call

    ground = main_text(client.get("/events/idf-ground-operations-northern-gaza-2023-10/"))
    assert "Palestine › Gaza Strip › Northern Gaza" in ground


def test_event_page_groups_participants_by_role(client):
    event = EventFactory()
    EventParticipantFactory(event=event, actor=ActorFactory(name="Zed"), role="target")
    EventParticipantFactory(event=event, actor=ActorFactory(name="Amy"), role="initiator")
    text = main_text(client.get(event.get_absolute_url()))
    assert "Initiator Amy" in text
    assert "Target Zed" in text
    assert text.index("Initiator Amy") < text.index("Target Zed")


def test_outlet_page_lists_published_articles_paginated(client, settings):
    settings.PAGE_SIZE = 2
    outlet = OutletFactory(name="Daily Example")
    for day in range(1, 4):
        ArticleFactory(
            outlet=outlet, title=f"Report {day}", published_on=datetime.date(2023, 10, day)
        )
    ArticleFactory(outlet=outlet, title="Unpublished piece", status=DRAFT)
    first = main_text(client.get(outlet.get_absolute_url()))
    assert "Report 3" in first and "Report 2" in first and "Report 1" not in first
    assert "Page 1 of 2" in first
    assert "Unpublished piece" not in first
    second = client.get(outlet.get_absolute_url() + "?page=2")
    assert "Report 1" in main_text(second)
    assert client.get(outlet.get_absolute_url() + "?page=abc").status_code == 200


def test_place_page_shows_chain_children_and_events_inside(client, demo):
    text = main_text(client.get("/places/gaza-strip/"))
    assert "Part of Palestine" in text
    assert "Places within Northern Gaza" in text
    assert "IDF ground operations in northern Gaza" in text  # in a child place
    EventFactory(title="Draft raid", place=PlaceFactory(parent_id=None), status=DRAFT)
    country = main_text(client.get("/places/palestine/"))
    assert "IDF ground operations in northern Gaza" in country  # two levels down
    assert "Draft raid" not in country


# --- Drafts ----------------------------------------------------------------------------


def draft_records():
    draft_article = ArticleFactory(status=DRAFT)
    return {
        "draft statement": StatementFactory(status=DRAFT).get_absolute_url(),
        "statement of a draft article": StatementFactory(article=draft_article).get_absolute_url(),
        "draft article": draft_article.get_absolute_url(),
        "draft event": EventFactory(status=DRAFT).get_absolute_url(),
    }


def test_drafts_are_not_found_by_anonymous_readers(client):
    for label, url in draft_records().items():
        assert client.get(url).status_code == 404, label


def test_staff_see_a_draft_preview_banner_and_noindex(staff_client):
    for label, url in draft_records().items():
        response = staff_client.get(url)
        assert response.status_code == 200, label
        content = response.content.decode()
        assert "Draft — not public." in content, label
        assert '<meta name="robots" content="noindex">' in content, label


def test_published_pages_have_no_banner_or_noindex(staff_client, demo):
    content = staff_client.get("/articles/" + Article.objects.get().slug + "/").content.decode()
    assert "Draft — not public." not in content
    assert "noindex" not in content


def test_preview_still_lists_only_published_records(staff_client):
    event = EventFactory(status=DRAFT)
    shown = StatementFactory(event=event, text="We will keep talking.")
    hidden = StatementFactory(event=event, status=DRAFT)
    content = staff_client.get(event.get_absolute_url()).content.decode()
    assert f"/statements/{shown.pk}/" in content
    assert f"/statements/{hidden.pk}/" not in content


def test_actor_page_and_home_leave_out_drafts(client):
    actor = ActorFactory()
    draft_article = ArticleFactory(status=DRAFT, title="Not yet out")
    hidden = [
        StatementFactory(speaker=actor, status=DRAFT),
        StatementFactory(speaker=actor, article=draft_article),
    ]
    draft_event = EventFactory(title="Draft summit", status=DRAFT)
    EventParticipantFactory(event=draft_event, actor=actor)
    draft_article.mentioned_actors.add(actor)
    for url in (actor.get_absolute_url(), "/"):
        content = client.get(url).content.decode()
        for statement in hidden:
            assert f"/statements/{statement.pk}/" not in content
        assert "Draft summit" not in content
        assert "Not yet out" not in content


# --- Home ------------------------------------------------------------------------------


def test_home_links_every_demo_quote_to_speaker_and_passage(client, demo):
    response = client.get("/")
    content = response.content.decode()
    for statement in Statement.objects.all():
        assert f'href="{statement.speaker.get_absolute_url()}"' in content
        passage = f'href="{statement.article.get_absolute_url()}#statement-{statement.pk}"'
        assert passage in content
    text = main_text(response)
    assert "Most quoted" in text
    assert "Israel Defense Forces 4 statements" in text
    assert "Latest events" in text and "Blinken–Cleverly phone call on Gaza" in text
    assert "Recent activity" in text


def test_home_ranks_actors_by_public_statements_only(client):
    loud, quiet = ActorFactory(name="Loud"), ActorFactory(name="Quiet")
    StatementFactory.create_batch(3, speaker=quiet, status=DRAFT)
    StatementFactory(speaker=quiet)
    StatementFactory.create_batch(2, speaker=loud)
    text = main_text(client.get("/"))
    assert "Loud 2 statements" in text
    assert "Quiet 1 statement" in text
    assert text.index("Loud 2") < text.index("Quiet 1")


def test_every_page_has_landmarks_skip_link_and_search(client, demo):
    for url in ("/", "/actors/hamas/", "/places/israel/", "/outlets/techballad/"):
        content = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in content
        assert '<main id="main"' in content and "<header" in content and "<footer" in content
        assert '<nav class="site-nav" aria-label="Main">' in content
        assert 'action="/search/"' in content and 'name="q"' in content
        assert '<label for="site-search-q"' in content
        for path in ("/statements/", "/actors/", "/articles/", "/events/", "/dates/"):
            assert f'href="{path}"' in content


# --- Query counts: the number of queries does not grow with rows -----------------------


@pytest.mark.parametrize("rows", [5, 200])
def test_home_query_count(client, django_assert_max_num_queries, rows):
    article = ArticleFactory()
    for _ in range(rows):
        speaker = ActorFactory()
        RoleFactory(person=speaker)
        StatementFactory(article=article, speaker=speaker)
        EventParticipantFactory(actor=speaker)
    # 1 latest statements (speaker, article, outlet, event joined), 2 their speakers' roles,
    # 3 latest events (place joined), 4 their participations with actors,
    # 5 most-quoted actors with counts
    with django_assert_max_num_queries(5):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 200])
def test_actor_page_query_count(client, django_assert_max_num_queries, rows):
    actor = ActorFactory()
    RoleFactory.create_batch(3, person=actor)
    AliasFactory.create_batch(3, actor=actor)
    OrganisationFactory.create_batch(3, parent=actor)
    article = ArticleFactory()
    for index in range(rows):
        StatementFactory(
            article=article, speaker=actor, said_on=datetime.date(2023, 1 + index % 12, 1)
        )
        about = StatementFactory(article=article)
        about.mentioned_actors.add(actor)
        EventParticipantFactory(actor=actor)
        ArticleFactory().mentioned_actors.add(actor)
    # 1 actor with parent and the two sections' counts, 2 aliases, 3 children,
    # 4 roles with organisations, 5 corrections, 6 timeline statements (the actor's roles
    # serve them), 7 statements by in the period, 8 statements about, 9 their speakers'
    # roles, 10 event participations with events and places, 11 articles mentioning with
    # outlets, 12 its stances on events (with events and statements), 13 statements and
    # events per month
    with django_assert_max_num_queries(13):
        response = client.get(f"{actor.get_absolute_url()}?by_from=2023-01-01&about_to=2024-01-01")
    assert response.status_code == 200
    assert f"See all {rows} →" in visible(response)
    cache.clear()
    # Without a period the first section is the timeline's first statements: one less.
    with django_assert_max_num_queries(12):
        response = client.get(actor.get_absolute_url())
    assert response.status_code == 200
    assert visible(response).count(f"See all {rows} →") == 2


@pytest.mark.parametrize("rows", [5, 200])
def test_statement_page_query_count(client, django_assert_max_num_queries, rows):
    speaker = ActorFactory()
    RoleFactory.create_batch(rows, person=speaker)
    statement = StatementFactory(speaker=speaker, event=EventFactory())
    statement.mentioned_actors.add(*ActorFactory.create_batch(rows))
    # 1 statement with speaker, on-behalf-of, article and outlet, 2 the speaker's roles
    # with organisations, 3 the actors it mentions, 4 corrections, 5 its event links
    with django_assert_max_num_queries(5):
        response = client.get(statement.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 200])
def test_article_page_query_count(client, django_assert_max_num_queries, rows):
    article = ArticleFactory(body=" ".join(f"Sentence number {i}." for i in range(rows)))
    for index in range(rows):
        speaker = ActorFactory()
        RoleFactory(person=speaker)
        StatementFactory(article=article, speaker=speaker, text=f"Sentence number {index}.")
        EventFactory().articles.add(article)
    article.mentioned_actors.add(*ActorFactory.create_batch(rows))
    # 1 article with outlet, 2 mentioned actors, 3 published statements with speakers,
    # 4 their speakers' roles, 5 published events with places,
    # 6 corrections of the article and of its public statements
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('<mark id="statement-') == rows


@pytest.mark.parametrize("rows", [5, 200])
def test_event_page_query_count(client, django_assert_max_num_queries, rows):
    place = PlaceFactory(parent=PlaceFactory(parent=PlaceFactory()))
    event = EventFactory(place=place)
    article = ArticleFactory()
    for _ in range(rows):
        EventParticipantFactory(event=event)
        event.articles.add(ArticleFactory())
        StatementFactory(article=article, event=event)
    # 1 event with its place and three levels of parents, 2 participations with actors,
    # 3 the first accounts (links with statements, speakers and their parents, articles),
    # 4 their speakers' roles, 5 published articles reporting it with outlets,
    # 6 corrections; past the first accounts, 7 the claimed figures of the others and
    # 8 the statements per stance (one aggregate). The speakers have no parent above
    # the one joined, and no country: no further query (test_accounts.py counts those).
    with django_assert_max_num_queries(6 if rows <= 100 else 8):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 200])
def test_outlet_page_query_count(client, django_assert_max_num_queries, rows):
    outlet = OutletFactory()
    ArticleFactory.create_batch(rows, outlet=outlet)
    # 1 outlet, 2 count of its published articles, 3 one page of them
    with django_assert_max_num_queries(3):
        response = client.get(outlet.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 200])
def test_place_page_query_count(client, django_assert_max_num_queries, rows):
    place = PlaceFactory(parent=PlaceFactory(parent=PlaceFactory()))
    children = PlaceFactory.create_batch(rows, parent=place)
    for child in children:
        EventFactory(place=child)
        EventFactory(place=PlaceFactory(parent=child))
    # 1 place with its parents, 2 child places, 3 count of events inside, 4 one page of them
    with django_assert_max_num_queries(4):
        response = client.get(place.get_absolute_url())
    assert response.status_code == 200
    assert f"Events here and in places within ({rows * 2})" in visible(response)


def test_event_citation_keeps_the_date_precision(demo):
    event = Event.objects.get(slug="iaf-air-strike-mount-dov-2023-10")
    citation = citation_for(event)
    assert "Conflict Reporting Archive, October 2023." in plain_text(citation)
    assert "day = " not in bibtex(citation) and "month = {10}" in bibtex(citation)
    assert json.loads(csl_json(citation))[0]["issued"] == {"date-parts": [[2023, 10]]}


def test_monthly_activity_fills_gaps_and_shows_at_least_six_months():
    from articles.website.timeline import monthly_activity

    months = monthly_activity(
        [(datetime.date(2023, 1, 1), 2), (datetime.date(2023, 9, 1), 1)],
        [(datetime.date(2023, 9, 1), 4)],
    )
    assert [m.month for m in months][0] == datetime.date(2023, 1, 1)
    assert len(months) == 9
    assert (months[-1].statements, months[-1].events) == (1, 4)
    assert months[3].total == 0
    single = monthly_activity([(datetime.date(2024, 2, 1), 1)], [])
    assert len(single) == 6 and single[0].month == datetime.date(2023, 9, 1)


def test_pages_are_well_formed_html(client, demo):
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    urls = [
        "/",
        "/actors/james-cleverly/",
        "/actors/israel-defense-forces/?by_from=bad",
        statement.get_absolute_url(),
        statement.article.get_absolute_url(),
        "/events/iaf-air-strike-mount-dov-2023-10/",
        "/outlets/techballad/",
        "/places/gaza-strip/",
    ]
    for url in urls:
        content = client.get(url).content.decode()
        body = content[content.index("<body>") : content.index("</body>") + 7]
        assert_well_formed(body)
        ids = re.findall(r'\sid="([^"]+)"', body)
        assert len(ids) == len(set(ids)), f"duplicate ids on {url}"


def test_unknown_and_out_of_range_ids_are_not_found(client):
    for url in ("/statements/99999999999999999999999/", "/actors/nobody/", "/events/none/"):
        assert client.get(url).status_code == 404


def test_hebrew_quote_is_marked_up_right_to_left_on_cards_and_pages(client):
    article = ArticleFactory(language="he", body='השר אמר: "נמשיך לדבר". ואז עזב.')
    statement = StatementFactory(article=article, text="נמשיך לדבר", language="he")
    for url in (statement.get_absolute_url(), "/", statement.speaker.get_absolute_url()):
        content = client.get(url).content.decode()
        assert re.search(
            r'<blockquote[^>]*dir="auto"[^>]*lang="he"[^>]*><p>&quot;נמשיך לדבר&quot;</p>', content
        )


def test_a_paraphrase_not_found_in_the_text_still_has_its_anchor(client):
    article = ArticleFactory(body="The minister spoke at length about the talks.")
    statement = StatementFactory(
        article=article, kind="paraphrase", text="The minister wants the talks to go on."
    )
    content = client.get(article.get_absolute_url()).content.decode()
    assert f'<mark id="statement-{statement.pk}"' not in content
    assert f'<div id="statement-{statement.pk}" class="unlocated">' in content
    page = main_text(client.get(statement.get_absolute_url()))
    assert "See it beside the source article" in page
    assert "no passage is highlighted" in page


def test_actor_page_end_before_start_keeps_the_start_date(client):
    actor = ActorFactory()
    old = StatementFactory(speaker=actor, said_on=datetime.date(2023, 1, 5))
    new = StatementFactory(speaker=actor, said_on=datetime.date(2023, 10, 5))
    response = client.get(f"/actors/{actor.slug}/?by_from=2023-06-01&by_to=2023-02-01")
    content = response.content.decode()
    by = content[content.index('id="by"') : content.index('id="about"')]
    assert "The end date is before the start date. This date was ignored." in visible(None, by)
    assert f"/statements/{new.pk}/" in by
    assert f"/statements/{old.pk}/" not in by
