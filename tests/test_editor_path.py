"""The editor's path through the admin (issue 10): what each step saves and shows.

The whole path, counted in a real browser, is tests/test_browser_editor_path.py.
"""

import datetime
import html
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from actors.models import Actor
from articles.admin.prefill import guess_event_kind
from articles.models import Article, Event, Statement, StatementEvent
from articles.quotes import strip_quote_marks

from .admin_forms import admin_form_data
from .factories import ActorFactory, ArticleFactory, StatementFactory

BODY = (
    "Cairo, 21 October. The minister met his counterpart. "
    "He added that Egypt would not accept the displacement of Palestinians into Sinai. "
    "“The crossing must open,” he said."
)
SENTENCE = "He added that Egypt would not accept the displacement of Palestinians into Sinai."
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def statement_post(article, speaker, **fields):
    return {
        "article": article.pk,
        "speaker": speaker.pk,
        "text": "",
        "kind": "quote",
        "channel": "other",
        "said_on": "",
        "language": "en",
        "status": "draft",
        "verification": "as_reported",
        "event_links-TOTAL_FORMS": "0",
        "event_links-INITIAL_FORMS": "0",
        **fields,
    }


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ('"The crossing must open,"', "The crossing must open,"),
        ("“The crossing must open,”", "The crossing must open,"),
        ("«The crossing must open,»", "The crossing must open,"),
        ("„The crossing must open,“", "The crossing must open,"),
        ("  “The crossing must open,”  ", "The crossing must open,"),
        # Marks that belong to the words inside stay.
        ("“Open” and “now”", "“Open” and “now”"),
        ("The “crossing” must open", "The “crossing” must open"),
    ],
)
def test_quote_marks_around_a_passage_are_dropped(typed, kept):
    assert strip_quote_marks(typed) == kept


@pytest.mark.django_db
def test_quote_marks_typed_around_a_statement_are_dropped_on_save(editor_client):
    article = ArticleFactory(body=BODY, status="draft")
    speaker = ActorFactory()
    response = editor_client.post(
        reverse("admin:articles_statement_add"),
        statement_post(
            article,
            speaker,
            kind="paraphrase",
            text="«Egypt rejects displacement into Sinai.»",
            anchor=f"“{SENTENCE}”",
        ),
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.text == "Egypt rejects displacement into Sinai."
    assert statement.anchor == SENTENCE
    assert BODY[statement.passage_start : statement.passage_end] == SENTENCE


@pytest.mark.django_db
def test_an_anchored_paraphrase_is_highlighted_on_the_article_page_like_a_quote(client):
    article = ArticleFactory(body=BODY)
    paraphrase = StatementFactory(
        article=article,
        kind=Statement.Kind.PARAPHRASE,
        text="Egypt rejects displacement into Sinai.",
        anchor=SENTENCE,
    )
    unanchored = StatementFactory(
        article=article, kind=Statement.Kind.PARAPHRASE, text="Egypt is firm."
    )
    marked = f'<mark id="statement-{paraphrase.pk}" class="passage passage-paraphrase"'
    page = client.get(article.get_absolute_url()).content.decode()
    mark = page[page.index(marked) :]
    assert SENTENCE in mark[: mark.index("</mark>")]
    assert f'id="statement-{unanchored.pk}" class="passage' not in page
    assert unanchored.passage() is None

    # A draft paraphrase is not shown, anchored or not.
    paraphrase.status = "draft"
    paraphrase.save()
    assert marked not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_passage_not_in_the_body_is_refused_with_the_closest_one(editor_client):
    article = ArticleFactory(body=BODY, status="draft")
    speaker = ActorFactory()
    response = editor_client.post(
        reverse("admin:articles_statement_add"),
        statement_post(
            article,
            speaker,
            kind="paraphrase",
            text="Egypt rejects displacement.",
            anchor="He said Egypt would never accept displacement into Sinai.",
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "This passage is not in the source article's body." in errors["anchor"][0]
    assert "The closest passage there reads" in errors["anchor"][0]
    # A quote carries no passage of its own.
    response = editor_client.post(
        reverse("admin:articles_statement_add"),
        statement_post(article, speaker, text="The crossing must open,", anchor=SENTENCE),
    )
    assert (
        "Only a paraphrase has a paraphrased passage"
        in (response.context["adminform"].form.errors["anchor"][0])
    )
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_said_on_left_empty_says_it_is_the_articles_date(editor_client):
    article = ArticleFactory(body=BODY, status="draft", published_on=datetime.date(2023, 10, 21))
    speaker = ActorFactory()
    response = editor_client.post(
        reverse("admin:articles_statement_add"),
        statement_post(article, speaker, text="The crossing must open,"),
        follow=True,
    )
    assert "“Said on” was left empty: it is the article's date, 21 October 2023." in (
        html.unescape(response.content.decode())
    )
    statement = Statement.objects.get()
    assert statement.said_on == article.published_on
    page = editor_client.get(reverse("admin:articles_statement_change", args=[statement.pk]))
    assert "The article's date, 21 October 2023: the default when left empty." in (
        html.unescape(page.content.decode())
    )
    # Another day: no such note.
    statement.said_on = datetime.date(2023, 10, 20)
    statement.save()
    page = editor_client.get(reverse("admin:articles_statement_change", args=[statement.pk]))
    assert "the default when left empty" not in page.content.decode()


@pytest.mark.django_db
def test_a_statement_added_from_the_article_returns_to_the_article(editor_client):
    article = ArticleFactory(body=BODY, status="draft")
    speaker = ActorFactory()
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    add_url = reverse("admin:articles_statement_add")
    response = editor_client.post(
        f"{add_url}?next={change_url}",
        statement_post(article, speaker, text="The crossing must open,"),
    )
    assert response.status_code == 302
    assert response.url == change_url
    # Another site, or "Save and continue editing": Django's own way.
    response = editor_client.post(
        f"{add_url}?next=https://evil.example/",
        statement_post(article, speaker, text="The minister met his counterpart."),
    )
    assert response.url == reverse("admin:articles_statement_changelist")
    response = editor_client.post(
        f"{add_url}?next={change_url}",
        statement_post(article, speaker, text="Cairo, 21 October.", _continue="1"),
    )
    statement = Statement.objects.get(text="Cairo, 21 October.")
    assert response.url.startswith(reverse("admin:articles_statement_change", args=[statement.pk]))
    assert Statement.objects.count() == 3


@pytest.mark.django_db
def test_a_statement_changed_from_its_row_on_the_article_returns_to_the_article(editor_client):
    article = ArticleFactory(body=BODY, status="draft")
    statement = StatementFactory(article=article, text="The crossing must open,")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    statement_url = reverse("admin:articles_statement_change", args=[statement.pk])
    page = editor_client.get(change_url).content.decode()
    link = f"{statement_url}?next={change_url.replace('/', '%2F')}"
    assert f'href="{link}"' in page
    data = admin_form_data(editor_client.get(link))
    data["translation"] = "Le passage doit ouvrir,"
    response = editor_client.post(link, data)
    assert response.status_code == 302
    assert response.url == change_url
    statement.refresh_from_db()
    assert statement.translation == "Le passage doit ouvrir,"


@pytest.mark.django_db
def test_an_event_created_from_the_article_is_filled_in_and_linked_to_it(editor_client):
    article = ArticleFactory(
        title="Blinken meets Shoukry in Cairo",
        body=BODY,
        status="draft",
        published_on=datetime.date(2023, 10, 21),
    )
    blinken, shoukry = ActorFactory(name="Antony Blinken"), ActorFactory(name="Sameh Shoukry")
    article.mentioned_actors.add(blinken, shoukry)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    page = editor_client.get(change_url)
    add_event_url = page.context["add_event_url"]
    assert "Create an event from this article" in page.content.decode()

    form_page = editor_client.get(add_event_url)
    form = form_page.context["adminform"].form
    assert form["title"].value() == "Blinken meets Shoukry in Cairo"
    assert form["kind"].value() == "meeting"
    assert str(form["start_date"].value()) == "2023-10-21"
    assert [int(pk) for pk in form["articles"].value()] == [article.pk]
    participants = form_page.context["inline_admin_formsets"][0].formset
    assert [f["actor"].value() for f in participants.forms] == [blinken.pk, shoukry.pk]

    data = admin_form_data(form_page)
    data["slug"] = "blinken-meets-shoukry-in-cairo"  # the page's script fills it in
    response = editor_client.post(add_event_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response.url == change_url
    event = Event.objects.get()
    assert list(event.articles.all()) == [article]
    assert set(event.participations.values_list("actor", flat=True)) == {blinken.pk, shoukry.pk}
    assert parse_qs(urlsplit(add_event_url).query)["next"] == [change_url]


@pytest.mark.parametrize(
    ("headline", "kind"),
    [
        ("Blinken meets Shoukry in Cairo", "meeting"),
        ("Biden and Netanyahu spoke by phone on Sunday", "call"),
        ("Air strike hits Jabalia camp", "air_strike"),
        ("Hamas releases two hostages", "hostage"),
        ("UN chief calls for a ceasefire now", "agreement"),
        ("What the war means for Egypt", ""),
    ],
)
def test_the_kind_is_guessed_only_from_a_plain_headline(headline, kind):
    assert guess_event_kind(headline) == kind


@pytest.mark.django_db
def test_a_quote_recorded_from_a_suggestion_answers_the_page_without_reload(editor_client):
    article = ArticleFactory(body=BODY, status="draft", language="en")
    speaker = ActorFactory()
    url = reverse("admin:articles_article_record_quote", args=[article.pk])
    response = editor_client.post(
        url, {"speaker": speaker.pk, "text": "The crossing must open,"}, **FETCH
    )
    answer = json.loads(response.content)
    statement = Statement.objects.get()
    assert answer["level"] == "success"
    assert f"as statement #{statement.pk}, a draft" in answer["message"]
    assert "data-suggestions" in answer["html"]
    assert (statement.kind, statement.speaker, statement.status) == ("quote", speaker, "draft")
    assert statement.passage() is not None

    # A passage not in the body, an unknown speaker: a clear message, nothing recorded.
    for data in [
        {"speaker": speaker.pk, "text": "We never said this."},
        {"speaker": "x", "text": "The crossing must open,"},
        {"speaker": 999999, "text": "The crossing must open,"},
    ]:
        answer = json.loads(editor_client.post(url, data, **FETCH).content)
        assert answer["level"] == "error"
        assert "Not recorded" in answer["message"] or "nothing was recorded" in answer["message"]
    assert Statement.objects.count() == 1
    # Without the script, the same form reloads the page with the message.
    response = editor_client.post(url, {"speaker": speaker.pk, "text": "Cairo, 21 October."})
    assert response.status_code == 302
    assert Statement.objects.count() == 2
    assert editor_client.get(url).status_code == 405


@pytest.mark.django_db
def test_a_mention_added_from_a_suggestion_hands_the_new_version_to_an_up_to_date_page(
    editor_client,
):
    article = ArticleFactory(body=BODY, status="draft")
    first, second = ActorFactory(), ActorFactory()
    url = reverse("admin:articles_article_add_mention", args=[article.pk])
    answer = json.loads(
        editor_client.post(
            url, {"actor": first.pk, "opened_version": article.version}, **FETCH
        ).content
    )
    assert answer["mentioned"] == {"id": first.pk, "name": first.name}
    assert answer["version"] == article.version + 1
    # A page opened before someone else's save is not told: its save warns as before.
    answer = json.loads(
        editor_client.post(
            url, {"actor": second.pk, "opened_version": article.version}, **FETCH
        ).content
    )
    assert answer["version"] is None
    assert set(Article.objects.get().mentioned_actors.all()) == {first, second}


@pytest.mark.django_db
def test_statements_linked_from_the_suggestions_hand_their_versions_to_the_page(editor_client):
    article = ArticleFactory(body=BODY, status="draft")
    statement = StatementFactory(article=article, text="The crossing must open,")
    event = Event.objects.create(title="Talks", slug="talks", start_date=article.published_on)
    event.articles.add(article)
    url = reverse("admin:articles_article_link_events", args=[article.pk])
    key = f"{statement.pk}:{event.pk}"
    answer = json.loads(
        editor_client.post(
            url,
            {"link": key, f"stance-{statement.pk}-{event.pk}": "describes"},
            **FETCH,
        ).content
    )
    assert answer["level"] == "success"
    assert answer["statements"] == [
        {"id": statement.pk, "from": statement.version, "version": statement.version + 1}
    ]
    assert StatementEvent.objects.get().stance == "describes"
    answer = json.loads(editor_client.post(url, {}, **FETCH).content)
    assert (answer["level"], answer["message"]) == (
        "warning",
        "No suggestion was checked: nothing was linked.",
    )


@pytest.mark.django_db
def test_deleting_an_actor_others_point_to_offers_the_merge(staff_client):
    article = ArticleFactory(body=BODY)
    duplicate = ActorFactory(name="A. Blinken", slug="a-blinken")
    keep = ActorFactory(name="Antony Blinken", slug="antony-blinken")
    statement = StatementFactory(article=article, speaker=duplicate, text="The crossing must open,")
    delete_url = reverse("admin:actors_actor_delete", args=[duplicate.pk])
    page = staff_client.get(delete_url).content.decode()
    assert "cannot be deleted: the records below point to it" in page
    assert "Merge it into another actor" in page
    assert "Yes, I’m sure" not in page
    merge_url = reverse("admin:actors_actor_merge_into", args=[duplicate.pk])
    assert f'action="{merge_url}"' in page

    # The choice leads to the merge tool's own page: what would move, then confirm.
    page = staff_client.get(merge_url, {"into": keep.pk})
    html = page.content.decode()
    assert "What moves from A. Blinken to Antony Blinken" in html
    assert Actor.objects.filter(pk=duplicate.pk).exists()
    data = {
        "action": "merge_actors",
        "_selected_action": [keep.pk, duplicate.pk],
        "keep": keep.pk,
        "confirm": "yes",
    }
    staff_client.post(reverse("admin:actors_actor_changelist"), data)
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    statement.refresh_from_db()
    assert statement.speaker == keep
    assert keep.aliases.filter(name="A. Blinken").exists()


@pytest.mark.django_db
def test_merging_into_nothing_or_itself_changes_nothing(staff_client):
    duplicate = ActorFactory()
    StatementFactory(speaker=duplicate)
    merge_url = reverse("admin:actors_actor_merge_into", args=[duplicate.pk])
    for into in ["", "x", duplicate.pk, 999999]:
        response = staff_client.get(merge_url, {"into": into}, follow=True)
        assert response.status_code == 200
        assert "Choose the actor to merge into: nothing was merged." in response.content.decode()
    assert Actor.objects.filter(pk=duplicate.pk).exists()
    assert staff_client.get(reverse("admin:actors_actor_merge_into", args=["x"])).status_code in (
        302,
        404,
    )


@pytest.mark.django_db
def test_deleting_an_actor_nothing_points_to_still_deletes_it(staff_client):
    actor = ActorFactory()
    page = staff_client.get(reverse("admin:actors_actor_delete", args=[actor.pk]))
    assert "Yes, I’m sure" in page.content.decode()
    staff_client.post(reverse("admin:actors_actor_delete", args=[actor.pk]), {"post": "yes"})
    assert not Actor.objects.filter(pk=actor.pk).exists()


@pytest.mark.django_db
def test_a_paraphrases_passage_travels_in_the_archive_file():
    from .test_interchange import empty_database, export_text, import_text

    article = ArticleFactory(body=BODY)
    StatementFactory(
        article=article,
        kind=Statement.Kind.PARAPHRASE,
        text="Egypt rejects displacement into Sinai.",
        anchor=SENTENCE,
    )
    text = export_text()
    assert json.loads(text)["statements"][0]["anchor"] == SENTENCE
    empty_database()
    import_text(text)
    statement = Statement.objects.get()
    assert statement.anchor == SENTENCE
    assert BODY[statement.passage_start : statement.passage_end] == SENTENCE
    assert export_text() == text


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "9" * 30, "-1", "1.0", ""])
def test_hostile_ids_in_the_suggestions_and_prefills_change_nothing(editor_client, bad):
    article = ArticleFactory(body=BODY, status="draft")
    actor = ActorFactory()
    mention = reverse("admin:articles_article_add_mention", args=[article.pk])
    answer = json.loads(editor_client.post(mention, {"actor": bad}, **FETCH).content)
    assert answer["message"] == "No such actor: nothing was added."
    record = reverse("admin:articles_article_record_quote", args=[article.pk])
    answer = json.loads(
        editor_client.post(record, {"speaker": bad, "text": "Cairo, 21 October."}, **FETCH).content
    )
    assert answer["message"] == "No such speaker or no text: nothing was recorded."
    link = reverse("admin:articles_article_link_events", args=[article.pk])
    answer = json.loads(editor_client.post(link, {"link": f"{bad}:{bad}"}, **FETCH).content)
    assert answer["level"] == "warning"
    page = editor_client.get(
        reverse("admin:articles_event_add"), {"participants": f"{bad},{actor.pk},{bad}"}
    )
    participants = page.context["inline_admin_formsets"][0].formset
    assert [f["actor"].value() for f in participants.forms] == [actor.pk]
    assert not Statement.objects.exists()
    assert not article.mentioned_actors.exists()
