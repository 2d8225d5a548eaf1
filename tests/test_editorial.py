"""The editorial workflow in the admin: publication, editors, quotes, corrections,
history and conflicting edits."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from articles.admin.articles import ArticleAdmin
from articles.admin.locking import EditConflict
from articles.models import Article, Correction, Event, PublicationStatus, Statement
from articles.services import editor_create, records_publish

from .admin_forms import admin_form_data
from .factories import ArticleFactory, EventFactory, StatementFactory

pytestmark = pytest.mark.django_db

PUBLISHED = PublicationStatus.PUBLISHED
DRAFT = PublicationStatus.DRAFT
SEED_SLUG = "israel-gaza-war-james-cleverly-and-antony-blinken-discuss-humanitarian-access"


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


# Publication ---------------------------------------------------------------------------


def test_publish_action_publishes_the_selected_drafts_and_records_who(editor_client, editor):
    drafts = ArticleFactory.create_batch(2, status=DRAFT)
    other = ArticleFactory(status=DRAFT)
    response = editor_client.post(
        changelist_url(Article),
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
        follow=True,
    )
    assert "Published 2 articles." in response.content.decode()
    assert set(Article.objects.published().values_list("pk", flat=True)) == {a.pk for a in drafts}
    other.refresh_from_db()
    assert other.status == DRAFT
    latest = drafts[0].history.first()
    assert latest.status == PUBLISHED
    assert latest.history_user == editor
    response = editor_client.get(drafts[0].get_absolute_url())
    assert response.status_code == 200


def test_unpublish_action_takes_records_off_the_public_pages(editor_client):
    # An anonymous reader; the editor would see a draft preview.
    client = Client()
    statement = StatementFactory()
    event = EventFactory()
    assert client.get(statement.get_absolute_url()).status_code == 200
    editor_client.post(
        changelist_url(Article),
        {"action": "unpublish_selected", "_selected_action": [statement.article.pk]},
    )
    editor_client.post(
        changelist_url(Event),
        {"action": "unpublish_selected", "_selected_action": [event.pk]},
    )
    assert client.get(statement.get_absolute_url()).status_code == 404
    assert client.get(statement.article.get_absolute_url()).status_code == 404
    assert client.get(event.get_absolute_url()).status_code == 404
    statement.refresh_from_db()
    assert statement.status == PUBLISHED  # the statement itself is unchanged


def test_published_statement_of_a_draft_article_stays_hidden_and_the_editor_is_told(
    editor_client,
):
    client = Client()  # an anonymous reader
    statement = StatementFactory(status=DRAFT, article=ArticleFactory(status=DRAFT))
    response = editor_client.post(
        changelist_url(Statement),
        {"action": "publish_selected", "_selected_action": [statement.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "Published 1 statement." in content
    assert "stay hidden from readers until their article is published" in content
    assert not Statement.objects.published().filter(pk=statement.pk).exists()
    assert client.get(statement.get_absolute_url()).status_code == 404


def test_publishing_an_article_counts_as_an_edit_for_optimistic_locking(editor):
    article = ArticleFactory(status=DRAFT)
    records_publish(records=Article.objects.filter(pk=article.pk), user=editor)
    article.refresh_from_db()
    assert article.version == 2
    # Publishing again changes nothing.
    assert records_publish(records=Article.objects.filter(pk=article.pk), user=editor) == 0


# Editors and permissions -----------------------------------------------------------------


def test_editors_group_may_add_and_change_archive_records_but_not_users():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    for model in ["actor", "outlet", "place", "article", "statement", "event"]:
        app = "actors" if model == "actor" else "articles"
        assert {(app, f"add_{model}"), (app, f"change_{model}")} <= codenames
        assert (app, f"delete_{model}") not in codenames
    # A statement's links to events are edited with it, rows removed included.
    for action in ["add", "change", "delete"]:
        assert ("articles", f"{action}_statementevent") in codenames
    assert not {label for label, _ in codenames} - {"actors", "articles"}


def test_editor_sees_the_archive_but_not_users_or_groups(editor_client):
    response = editor_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert "Articles" in content and "Statements" in content and "Actors" in content
    assert "Users" not in content and "Groups" not in content
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:articles_article_add")).status_code == 200


def test_staff_user_without_the_group_sees_nothing(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="pw", is_staff=True)
    client.force_login(user)
    article = ArticleFactory()
    response = client.get(reverse("admin:index"))
    assert "permission to view or edit anything" in response.content.decode()
    assert client.get(changelist_url(Article)).status_code == 403
    assert client.get(change_url(article)).status_code == 403
    response = client.post(
        changelist_url(Article), {"action": "unpublish_selected", "_selected_action": [article.pk]}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == PUBLISHED


def test_create_editor_prompts_for_the_password_and_never_prints_it(monkeypatch, django_user_model):
    answers = iter(["short", "short", "a-sound-pass-phrase-42", "a-sound-pass-phrase-42"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    out, err = io.StringIO(), io.StringIO()
    call_command("create_editor", "nadia", "--email", "nadia@example.org", stdout=out, stderr=err)
    user = django_user_model.objects.get(username="nadia")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password("a-sound-pass-phrase-42")
    assert "too short" in err.getvalue()
    assert "pass-phrase" not in out.getvalue() + err.getvalue()
    assert "Created the editor 'nadia'" in out.getvalue()


def test_create_editor_refuses_a_password_argument_and_an_existing_name(editor):
    with pytest.raises((CommandError, TypeError)):
        call_command("create_editor", "someone", "--password", "secret")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", editor.username)


def test_create_editor_gives_up_after_three_mismatches(monkeypatch, django_user_model):
    answers = iter(["one-long-phrase-1", "two-long-phrase-2"] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="No editor created"):
        call_command("create_editor", "omar", stderr=io.StringIO())
    assert not django_user_model.objects.filter(username="omar").exists()


def test_editor_create_service_validates_the_password():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        editor_create(username="lea", email="", password="123")


# Verified quotes ---------------------------------------------------------------------------


def statement_add_data(article, speaker, text, kind="quote"):
    return {
        "article": article.pk,
        "speaker": speaker.pk,
        "text": text,
        "kind": kind,
        "channel": "interview",
        "language": "en",
        "verification": "as_reported",
        "status": DRAFT,
        # The statement's events (StatementEventInline), left empty.
        "event_links-TOTAL_FORMS": 0,
        "event_links-INITIAL_FORMS": 0,
    }


def test_admin_refuses_a_new_quote_not_in_the_body_and_shows_the_closest_passage(
    editor_client, demo
):
    article = Article.objects.get(slug=SEED_SLUG)
    blinken = article.mentioned_actors.get(slug="antony-blinken")
    before = Statement.objects.count()
    response = editor_client.post(
        reverse("admin:articles_statement_add"),
        statement_add_data(article, blinken, "They also stressed the importance of bombing Gaza."),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This quote is not in the source article" in content
    assert "The closest passage there reads" in content
    assert "They also stressed the importance of delivering" in content
    assert Statement.objects.count() == before


def test_admin_accepts_a_quote_with_other_quote_marks_dashes_and_first_letter(editor_client, demo):
    article = Article.objects.get(slug=SEED_SLUG)
    cleverly = article.mentioned_actors.get(slug="james-cleverly")
    text = "reiterated our support for Israel's  self-defense in accordance with international"
    response = editor_client.post(
        reverse("admin:articles_statement_add"), statement_add_data(article, cleverly, text)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Statement.objects.filter(text=text, speaker=cleverly).exists()


def test_a_paraphrase_is_not_checked_against_the_body(editor_client, demo):
    article = Article.objects.get(slug=SEED_SLUG)
    idf = article.mentioned_actors.get(slug="israel-defense-forces")
    response = editor_client.post(
        reverse("admin:articles_statement_add"),
        statement_add_data(article, idf, "The army says it is advancing.", kind="paraphrase"),
    )
    assert response.status_code == 302
    assert Statement.objects.filter(text="The army says it is advancing.").exists()


def test_check_quotes_passes_on_the_demo_and_reports_a_quote_broken_by_an_edit(demo):
    out = io.StringIO()
    call_command("check_quotes", stdout=out)
    assert "Every quote is found" in out.getvalue()

    article = Article.objects.get(slug=SEED_SLUG)
    Article.objects.filter(pk=article.pk).update(
        body=article.body.replace("reiterated our support", "restated our support")
    )
    broken = Statement.objects.get(speaker__slug="james-cleverly")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 quote"):
        call_command("check_quotes", stdout=out)
    report = out.getvalue()
    assert f"Statement {broken.pk} (James Cleverly)" in report
    assert "closest: " in report and "restated our support" in report
    assert "Matthew Miller" not in report


# Corrections -------------------------------------------------------------------------------


def test_changing_a_published_articles_body_requires_a_correction_note(editor_client, editor):
    article = StatementFactory().article
    url = change_url(article)
    data = admin_form_data(editor_client.get(url))
    data["body"] = article.body.replace("Then left.", "Then he left.")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "write a one-line correction note for readers" in response.content.decode()
    article.refresh_from_db()
    assert article.body.endswith("Then left.")
    assert not Correction.objects.exists()

    data["correction_note"] = "Added a missing word."
    response = editor_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.endswith("Then he left.")
    correction = Correction.objects.get()
    assert (correction.article, correction.note, correction.editor) == (
        article,
        "Added a missing word.",
        editor,
    )
    assert correction.changed_fields == "body"
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Corrections" in page and "Added a missing word." in page


def test_changing_a_draft_needs_no_note_and_records_no_correction(editor_client):
    article = ArticleFactory(status=DRAFT)
    url = change_url(article)
    data = admin_form_data(editor_client.get(url))
    data["title"] = "A better title"
    assert editor_client.post(url, data).status_code == 302
    assert not Correction.objects.exists()


def test_unchanged_text_sent_with_windows_line_ends_is_not_a_change(editor_client):
    article = ArticleFactory(body="First paragraph.\n\nSecond paragraph.")
    url = change_url(article)
    data = admin_form_data(editor_client.get(url))
    data["body"] = "First paragraph.\r\n\r\nSecond paragraph."
    data["byline"] = "A. Reporter"
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert not Correction.objects.exists()


def test_changing_a_published_statement_inline_requires_its_own_note(editor_client):
    statement = StatementFactory(text="We will keep talking.")
    article = statement.article
    article.body = article.body.replace("keep talking", "keep on talking")
    # The body gains the words first, so both texts stay verifiable quotes.
    Article.objects.filter(pk=article.pk).update(body=article.body)
    url = change_url(article)
    data = admin_form_data(editor_client.get(url))
    data["statements-0-text"] = "We will keep on talking."
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "This statement is public and you changed its text" in response.content.decode()
    data["statements-0-correction_note"] = "The quote now matches the article."
    assert editor_client.post(url, data).status_code == 302
    correction = Correction.objects.get()
    assert correction.statement == statement and correction.changed_fields == "text"
    page = editor_client.get(statement.get_absolute_url()).content.decode()
    assert "The quote now matches the article." in page


def test_changing_a_published_events_title_requires_a_note(editor_client):
    event = EventFactory(title="Call between ministers")
    url = change_url(event)
    data = admin_form_data(editor_client.get(url))
    data["title"] = "Call between two ministers"
    response = editor_client.post(url, data)
    assert "write a one-line correction note" in response.content.decode()
    data["correction_note"] = "Clarified the title."
    assert editor_client.post(url, data).status_code == 302
    assert Correction.objects.for_record(event).get().note == "Clarified the title."
    page = editor_client.get(event.get_absolute_url()).content.decode()
    assert "Clarified the title." in page


def test_a_records_corrections_come_in_one_query(django_assert_num_queries):
    article = ArticleFactory()
    statement = StatementFactory(article=article)
    hidden = StatementFactory(article=article, status=DRAFT)
    Correction.objects.create(article=article, note="First.")
    Correction.objects.create(statement=statement, note="Second.")
    Correction.objects.create(statement=hidden, note="Not public.")
    Correction.objects.create(article=ArticleFactory(), note="Elsewhere.")
    with django_assert_num_queries(1):
        assert [c.note for c in Correction.objects.for_record(article)] == ["First."]
    with django_assert_num_queries(1):
        notes = [c.note for c in Correction.objects.for_article_page(article)]
    assert notes == ["First.", "Second."]


def test_corrections_partial_lists_date_and_note_and_is_empty_without_any():
    assert render_to_string("includes/corrections.html", {"corrections": []}).strip() == ""
    article = ArticleFactory()
    correction = Correction.objects.create(article=article, note="Fixed a date.")
    html = render_to_string(
        "includes/corrections.html", {"corrections": Correction.objects.for_record(article)}
    )
    assert '<h2 id="corrections-heading">Corrections</h2>' in html
    assert f'datetime="{correction.created_at:%Y-%m-%d}"' in html
    assert '<span dir="auto">Fixed a date.</span>' in html


def test_a_correction_links_exactly_one_record():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Correction.objects.create(note="Orphan.")


# Optimistic locking --------------------------------------------------------------------------


def test_the_second_editor_to_save_gets_a_conflict_and_keeps_their_text(
    client, editor, django_user_model
):
    other = django_user_model.objects.create_user("sam", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    article = ArticleFactory(status=DRAFT, body="Original text.")
    url = change_url(article)

    client.force_login(editor)
    first = admin_form_data(client.get(url))
    client.force_login(other)
    second = admin_form_data(client.get(url))

    client.force_login(editor)
    first["body"] = "Text from the first editor."
    assert client.post(url, first).status_code == 302

    client.force_login(other)
    second["body"] = "Text from the second editor."
    response = client.post(url, second)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else saved this article after you opened it by maria" in content
    assert "Your changes have NOT been saved" in content
    assert "Text from the second editor." in content  # the editor's text is kept
    article.refresh_from_db()
    assert article.body == "Text from the first editor."
    assert article.version == 2

    # Having been warned, the second editor saves again on purpose.
    again = admin_form_data(response)
    assert again["opened_version"] == "2"
    assert client.post(url, again).status_code == 302
    article.refresh_from_db()
    assert article.body == "Text from the second editor."
    assert article.version == 3


def test_a_save_that_loses_the_race_after_validation_is_refused(rf, editor):
    """The conditional UPDATE refuses a stale version even when the form check passed."""
    from django.contrib import admin

    article = ArticleFactory()
    model_admin = ArticleAdmin(Article, admin.site)
    request = rf.post("/")
    request.user = editor
    form = type("Form", (), {"cleaned_data": {"opened_version": 1, "correction_note": ""}})()
    Article.objects.filter(pk=article.pk).update(version=2)  # someone saved meanwhile
    article.title = "Lost"
    with pytest.raises(EditConflict):
        model_admin.save_model(request, article, form, change=True)
    article.refresh_from_db()
    assert article.title != "Lost"


# History -------------------------------------------------------------------------------------


def test_history_records_who_changed_what_and_an_editor_can_revert(editor_client, editor):
    article = ArticleFactory(status=DRAFT, title="First title")
    url = change_url(article)
    data = admin_form_data(editor_client.get(url))
    data["title"] = "Second title"
    assert editor_client.post(url, data).status_code == 302

    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    content = history.content.decode()
    assert history.status_code == 200
    assert "maria" in content
    first = article.history.order_by("history_date").first()
    assert first.title == "First title"

    revert_url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, first.history_id]
    )
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    assert "Revert" in page.content.decode()
    response = editor_client.post(revert_url, admin_form_data(page))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "First title"
    latest = article.history.first()
    assert latest.history_user == editor and latest.title == "First title"
    assert article.version == 3


def test_reverting_a_published_article_asks_for_a_correction_note(editor_client):
    article = ArticleFactory(title="Right title")
    first = article.history.first()
    Article.objects.filter(pk=article.pk).update(title="Wrong title")
    revert_url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, first.history_id]
    )
    data = admin_form_data(editor_client.get(revert_url))
    response = editor_client.post(revert_url, data)
    assert "write a one-line correction note" in response.content.decode()
    data["correction_note"] = "Restored the original title."
    assert editor_client.post(revert_url, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Right title"
    assert Correction.objects.for_record(article).get().note == "Restored the original title."


def test_a_revert_that_would_lose_a_quote_is_refused_as_an_edit_is(editor_client):
    article = ArticleFactory(body="The minister said: we will rebuild.", status=DRAFT)
    first = article.history.first()
    article.body = "The minister said: we will rebuild the bridges."
    article.save()
    StatementFactory(article=article, text="we will rebuild the bridges", status=DRAFT)
    revert_url = reverse(
        "admin:articles_article_simple_history", args=[article.pk, first.history_id]
    )
    response = editor_client.post(revert_url, admin_form_data(editor_client.get(revert_url)))
    assert response.status_code == 200
    assert "This version of the body no longer holds the quote of" in response.content.decode()
    assert "we will rebuild the bridges" in response.content.decode()
    article.refresh_from_db()
    assert article.body.endswith("the bridges.")  # nothing reverted


def test_inline_statement_edits_are_in_the_statements_history(editor_client, editor):
    statement = StatementFactory(status=DRAFT, channel="interview")
    url = change_url(statement.article)
    data = admin_form_data(editor_client.get(url))
    data["statements-0-channel"] = "speech"
    assert editor_client.post(url, data).status_code == 302
    latest = statement.history.first()
    assert latest.channel == "speech" and latest.history_user == editor
    response = editor_client.get(reverse("admin:articles_statement_history", args=[statement.pk]))
    assert response.status_code == 200 and "maria" in response.content.decode()
    # And an editor can revert the statement to its earlier version.
    first = statement.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:articles_statement_simple_history", args=[statement.pk, first.history_id]
    )
    page = editor_client.get(revert_url)
    assert editor_client.post(revert_url, admin_form_data(page)).status_code == 302
    statement.refresh_from_db()
    assert statement.channel == "interview"


def test_editors_have_no_permission_to_edit_users(editor):
    assert not editor.has_perm("auth.change_user")
    assert not editor.has_perm("auth.add_permission")
    assert Permission.objects.filter(group__name="Editors", codename="change_article").exists()


@pytest.fixture
def two_editors(client, editor, django_user_model):
    other = django_user_model.objects.create_user("sam", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    return editor, other


def test_statements_and_events_are_locked_too(client, two_editors):
    first_editor, second_editor = two_editors
    statement = StatementFactory(status=DRAFT, translation="")
    event = EventFactory(status=DRAFT, description="")
    for obj, field in [(statement, "translation"), (event, "description")]:
        url = change_url(obj)
        client.force_login(first_editor)
        first = admin_form_data(client.get(url))
        client.force_login(second_editor)
        second = admin_form_data(client.get(url))
        client.force_login(first_editor)
        first[field] = "From the first editor."
        assert client.post(url, first).status_code == 302
        client.force_login(second_editor)
        second[field] = "From the second editor."
        response = client.post(url, second)
        content = response.content.decode()
        assert f"Someone else saved this {obj._meta.verbose_name} after you opened it" in content
        assert "From the second editor." in content
        obj.refresh_from_db()
        assert getattr(obj, field) == "From the first editor."


def test_a_statement_edited_inline_after_someone_else_edited_it_is_a_conflict(client, two_editors):
    first_editor, second_editor = two_editors
    statement = StatementFactory(status=DRAFT, translation="")
    article_url = change_url(statement.article)
    client.force_login(second_editor)
    on_article_page = admin_form_data(client.get(article_url))

    client.force_login(first_editor)
    own_page = admin_form_data(client.get(change_url(statement)))
    own_page["translation"] = "From the statement page."
    assert client.post(change_url(statement), own_page).status_code == 302

    client.force_login(second_editor)
    on_article_page["statements-0-translation"] = "From the article page."
    response = client.post(article_url, on_article_page)
    content = response.content.decode()
    assert "Someone else saved this statement after you opened it by maria" in content
    assert "From the article page." in content
    statement.refresh_from_db()
    assert statement.translation == "From the statement page."


def test_a_stale_inline_statement_is_a_conflict_not_a_silent_revert(client, two_editors):
    """The article page still holds the statement as it was: saving it would undo the
    other editor's change, so it is a conflict even though this editor did not touch it."""
    first_editor, second_editor = two_editors
    statement = StatementFactory(status=DRAFT, translation="")
    article = statement.article
    article_url = change_url(article)
    client.force_login(second_editor)
    on_article_page = admin_form_data(client.get(article_url))

    client.force_login(first_editor)
    own_page = admin_form_data(client.get(change_url(statement)))
    own_page["translation"] = "From the statement page."
    assert client.post(change_url(statement), own_page).status_code == 302

    client.force_login(second_editor)
    on_article_page["byline"] = "A. Reporter"
    response = client.post(article_url, on_article_page)
    assert "Someone else saved this statement" in response.content.decode()
    statement.refresh_from_db()
    article.refresh_from_db()
    assert statement.translation == "From the statement page."
    assert article.byline == ""  # nothing of the refused save was kept


def test_inline_statements_nobody_else_changed_save_without_conflict(editor_client):
    statement = StatementFactory(status=DRAFT)
    article_url = change_url(statement.article)
    data = admin_form_data(editor_client.get(article_url))
    data["byline"] = "A. Reporter"
    assert editor_client.post(article_url, data).status_code == 302
    statement.refresh_from_db()
    assert statement.version == 1  # unchanged rows are not saved


def test_changing_an_actors_name_asks_for_a_note_and_shows_it_on_the_actor_page(editor_client):
    from .factories import ActorFactory

    actor = ActorFactory(name="Eli Cohn")
    url = change_url(actor)
    data = admin_form_data(editor_client.get(url))
    data["name"] = "Eli Cohen"
    response = editor_client.post(url, data)
    assert "This actor is public and you changed its name" in response.content.decode()
    data["correction_note"] = "Corrected the spelling of the name."
    assert editor_client.post(url, data).status_code == 302
    assert Correction.objects.for_record(actor).get().changed_fields == "name"
    page = editor_client.get(actor.get_absolute_url()).content.decode()
    assert "Corrected the spelling of the name." in page


def test_an_inline_edit_of_the_body_that_breaks_a_quote_is_refused(editor_client):
    statement = StatementFactory(text="We will keep talking.")
    article = statement.article
    url = change_url(article)
    data = admin_form_data(editor_client.get(url))
    data["body"] = article.body.replace("keep talking", "stop talking")
    data["correction_note"] = "Fixed a word."
    response = editor_client.post(url, data)
    content = response.content.decode()
    assert "This quote is not in the source article" in content
    assert "We will stop talking." in content  # the closest passage in the new body
    article.refresh_from_db()
    assert "keep talking" in article.body
    assert not Correction.objects.exists()


def test_editors_see_the_history_of_events_and_actors(editor_client):
    from .factories import ActorFactory

    event = EventFactory()
    actor = ActorFactory()
    for obj in (event, actor):
        opts = obj._meta
        response = editor_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        )
        assert response.status_code == 200
        assert "Created" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 200])
def test_corrections_changelist_query_count_does_not_grow(
    editor_client, django_assert_max_num_queries, rows
):
    statement = StatementFactory()
    event = EventFactory()
    for n in range(rows):
        target = [
            {"article": statement.article},
            {"statement": statement},
            {"event": event},
        ][n % 3]
        Correction.objects.create(note=f"Note {n}.", **target)
    # session, user, permissions (2), count, filtered count, the page of corrections with
    # their records, speakers and editors in one join, the date hierarchy: about 9.
    with django_assert_max_num_queries(10):
        response = editor_client.get(changelist_url(Correction))
    assert response.status_code == 200
    assert "Note 1." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/statement/add/?article=abc&speaker=1.5&mentioned_actors=1,x",
        "/admin/articles/article/add/?outlet=abc",
        "/admin/articles/event/add/?articles=x,1&place=-1",
        "/admin/actors/actor/add/?parent=zz",
        "/admin/actors/role/add/?person=q",
    ],
)
def test_malformed_prefill_ids_are_ignored_not_a_server_error(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("article") != "abc"


@pytest.mark.parametrize(
    "path",
    ["articles/article/abc/history/", "articles/article/1/history/abc/", "actors/actor/x/history/"],
)
def test_malformed_history_urls_answer_404(editor_client, path):
    ArticleFactory()
    assert editor_client.get(f"/admin/{path}").status_code == 404
