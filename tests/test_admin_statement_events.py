"""An editor links an article's statements to events, with a stance and a claimed figure,
from the article's page in the admin: the rows under each statement and the suggestions."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.suggestions import event_link_suggestions
from articles.models import EventParticipant, PublicationStatus, Statement, StatementEvent

from .admin_forms import admin_form_data
from .factories import (
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT


def article_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def set_links(data: dict, rows: list[dict], statement_index: int = 0) -> dict:
    """Fill the event rows under statement `statement_index` as an editor would."""
    prefix = f"statements-{statement_index}-events"
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{initial + i}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = initial + len(rows)
    return data


def link_errors(response, statement_index: int = 0, row: int = 0) -> dict:
    statement_form = response.context["inline_admin_formsets"][0].formset.forms[statement_index]
    return statement_form.event_links.forms[row].errors


def test_an_editor_adds_two_links_with_different_stances_from_the_article_page(
    editor_client, editor
):
    statement = StatementFactory(status=DRAFT)
    strike, talks = EventFactory(title="Strike on the camp"), EventFactory(title="Talks")
    url = article_url(statement.article)
    page = editor_client.get(url)
    content = page.content.decode()
    assert "Events this statement gives an account of" in content
    data = set_links(
        admin_form_data(page),
        [
            {"event": strike.pk, "stance": "denies"},
            {
                "event": talks.pk,
                "stance": "confirms",
                "figure_kind": "displaced",
                "claimed_figure": "40",
                "claimed_figure_max": "50",
                "note": "Says the talks moved 40 to 50 families.",
            },
        ],
    )
    assert editor_client.post(url, data).status_code == 302

    links = StatementEvent.objects.filter(statement=statement).order_by("event__title")
    assert [
        (link.event.title, link.stance, link.figure_kind, link.claimed_figure) for link in links
    ] == [("Strike on the camp", "denies", "", None), ("Talks", "confirms", "displaced", 40)]
    assert links[1].claimed_figure_max == 50
    # Each link is in the history with who made it; the statement counts as edited.
    assert {h.history_user for h in StatementEvent.history.filter(history_type="+")} == {editor}
    statement.refresh_from_db()
    assert statement.version == 2
    message = LogEntry.objects.get(object_id=str(statement.article.pk)).get_change_message()
    assert "events" in message

    # The rows come back filled, with one empty row to add another.
    again = admin_form_data(editor_client.get(url))
    assert again["statements-0-events-INITIAL_FORMS"] == 2
    assert again["statements-0-events-TOTAL_FORMS"] == 3


def test_an_editor_changes_and_removes_links_and_the_history_keeps_them(editor_client, editor):
    statement = StatementFactory(status=DRAFT)
    event = EventFactory()
    link = StatementEvent.objects.create(statement=statement, event=event, stance="describes")
    url = article_url(statement.article)
    data = admin_form_data(editor_client.get(url))
    data["statements-0-events-0-stance"] = "condemns"
    assert editor_client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.stance == "condemns"

    data = admin_form_data(editor_client.get(url))
    data["statements-0-events-0-DELETE"] = "on"
    assert editor_client.post(url, data).status_code == 302
    assert not StatementEvent.objects.exists()
    history = StatementEvent.history.filter(id=link.pk).order_by("history_date")
    assert [(h.history_type, h.stance) for h in history] == [
        ("+", "describes"),
        ("~", "condemns"),
        ("-", "condemns"),
    ]
    assert history.last().history_user == editor


@pytest.mark.parametrize(
    "row, field, message",
    [
        (
            {"claimed_figure": "12"},
            "figure_kind",
            "A figure needs what it counts",
        ),
        (
            {"figure_kind": "killed"},
            "claimed_figure",
            "Give the number the statement claims",
        ),
        (
            {"figure_kind": "killed", "claimed_figure": "50", "claimed_figure_max": "40"},
            "claimed_figure_max",
            "The top of a range is at least its bottom, 50.",
        ),
        (
            {"claimed_figure_max": "40"},
            "claimed_figure_max",
            "A range needs its bottom",
        ),
    ],
    ids=["figure-without-kind", "kind-without-figure", "max-below-min", "max-without-min"],
)
def test_a_broken_figure_rule_is_shown_on_its_field_and_nothing_is_saved(
    editor_client, row, field, message
):
    statement = StatementFactory(status=DRAFT, translation="")
    event = EventFactory()
    url = article_url(statement.article)
    data = set_links(admin_form_data(editor_client.get(url)), [{"event": event.pk, **row}])
    data["statements-0-translation"] = "Edited with the link."
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = link_errors(response)
    assert list(errors) == [field]  # on the field, not above the row
    assert message in str(errors[field])
    content = response.content.decode()
    # Shown in that field's cell of the statement's rows, with the statement marked.
    cell = content.split(f'<td class="field-{field}">', 1)[1].split("</td>", 1)[0]
    assert message in cell and "errorlist" in cell
    assert "This statement&#x27;s events have errors" in content
    assert "Please correct the error" in content
    assert not StatementEvent.objects.exists()
    statement.refresh_from_db()
    assert statement.translation == "" and statement.version == 1


def test_the_same_stance_twice_on_one_event_is_refused_with_a_message(editor_client):
    statement = StatementFactory(status=DRAFT)
    event = EventFactory()
    StatementEvent.objects.create(statement=statement, event=event, stance="claims")
    url = article_url(statement.article)
    data = set_links(
        admin_form_data(editor_client.get(url)), [{"event": event.pk, "stance": "claims"}]
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Two rows give the same event with the same stance" in content
    assert "This statement&#x27;s events have errors" in content
    assert StatementEvent.objects.count() == 1


def test_links_made_elsewhere_meanwhile_are_a_conflict_not_lost(client, editor, django_user_model):
    other = django_user_model.objects.create_user("sam", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    statement = StatementFactory(status=DRAFT)
    event = EventFactory()
    link = StatementEvent.objects.create(statement=statement, event=event, stance="describes")
    url = article_url(statement.article)
    client.force_login(other)
    stale = admin_form_data(client.get(url))

    # Maria changes the stance on the statement's own page.
    client.force_login(editor)
    statement_url = reverse("admin:articles_statement_change", args=[statement.pk])
    own = admin_form_data(client.get(statement_url))
    own["event_links-0-stance"] = "denies"
    assert client.post(statement_url, own).status_code == 302

    # Sam, on the article page opened before, adds a note to the same link.
    client.force_login(other)
    stale["statements-0-events-0-note"] = "Sam's note."
    response = client.post(url, stale)
    content = response.content.decode()
    assert "Someone else saved this statement after you opened it by maria" in content
    assert "Sam&#x27;s note." in content  # kept in the form
    link.refresh_from_db()
    assert (link.stance, link.note) == ("denies", "")

    # A link removed meanwhile: the stale page cannot bring it back, and says so.
    client.force_login(editor)
    own = admin_form_data(client.get(statement_url))
    own["event_links-0-DELETE"] = "on"
    assert client.post(statement_url, own).status_code == 302
    client.force_login(other)
    response = client.post(url, admin_form_data(response))
    assert "a link shown here no longer exists" in response.content.decode()
    assert not StatementEvent.objects.exists()


def test_a_new_statement_gets_its_events_when_added_on_the_article_page(editor_client):
    article = ArticleFactory(status=DRAFT, body="The minister said: “We will keep talking.”")
    existing = StatementFactory(article=article, status=DRAFT, text="We will keep talking.")
    event = EventFactory()
    url = article_url(article)
    data = admin_form_data(editor_client.get(url))
    new = "statements-1"
    data.update(
        {
            "statements-TOTAL_FORMS": 2,
            f"{new}-speaker": existing.speaker_id,
            f"{new}-text": "Talks will go on.",
            f"{new}-kind": Statement.Kind.PARAPHRASE,
            f"{new}-channel": existing.channel,
            f"{new}-said_on": "2023-10-30",
            f"{new}-language": "en",
            f"{new}-status": DRAFT,
            f"{new}-verification": "as_reported",
            f"{new}-events-TOTAL_FORMS": 1,
            f"{new}-events-INITIAL_FORMS": 0,
            f"{new}-events-0-event": event.pk,
            f"{new}-events-0-stance": "calls_for",
        }
    )
    assert editor_client.post(url, data).status_code == 302
    created = Statement.objects.get(text="Talks will go on.")
    assert list(created.event_links.values_list("event", "stance")) == [(event.pk, "calls_for")]


def test_without_the_rights_on_links_an_editor_sees_them_read_only(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    editors = Group.objects.get(name="Editors")
    user.user_permissions.set(editors.permissions.exclude(codename__endswith="_statementevent"))
    client.force_login(user)
    statement = StatementFactory(status=DRAFT)
    StatementEvent.objects.create(
        statement=statement, event=EventFactory(title="Strike"), stance="denies"
    )
    url = article_url(statement.article)
    page = client.get(url)
    content = page.content.decode()
    assert "Denies “Strike”" in content
    assert "statements-0-events-TOTAL_FORMS" not in content
    data = admin_form_data(page)
    data["statements-0-events-TOTAL_FORMS"] = 1  # a forged row is ignored
    data["statements-0-events-INITIAL_FORMS"] = 0
    data["statements-0-events-0-event"] = EventFactory().pk
    assert client.post(url, data).status_code == 302
    assert StatementEvent.objects.count() == 1


# Suggestions ---------------------------------------------------------------------------------


def make_reported_article():
    """An article (30 October 2023) with a statement by an army and one by a ministry."""
    article = ArticleFactory(status=DRAFT, published_on=datetime.date(2023, 10, 30))
    army = StatementFactory(article=article, status=DRAFT, text="Army statement.")
    ministry = StatementFactory(article=article, status=DRAFT, text="Ministry statement.")
    reported = EventFactory(title="Reported strike", start_date=datetime.date(2023, 10, 29))
    reported.articles.add(article)
    raid = EventFactory(title="Army raid", start_date=datetime.date(2023, 10, 27))
    EventParticipantFactory(event=raid, actor=army.speaker, role=EventParticipant.Role.INITIATOR)
    old = EventFactory(title="Old raid", start_date=datetime.date(2023, 9, 1))
    EventParticipantFactory(event=old, actor=army.speaker, role=EventParticipant.Role.INITIATOR)
    EventFactory(title="Unrelated", start_date=datetime.date(2023, 10, 30))
    return article, army, ministry, reported, raid


@pytest.fixture
def reported_article():
    return make_reported_article()


def test_suggestions_propose_the_articles_events_for_its_statements(reported_article):
    article, army, ministry, reported, raid = reported_article
    proposed = {
        (s.statement.text, s.event.title, s.stance): s.reason
        for s in event_link_suggestions(article)
    }
    assert proposed == {
        ("Army statement.", "Army raid", "claims"): (f"{army.speaker.name} took part as initiator"),
        ("Army statement.", "Reported strike", "describes"): "reported in this article",
        ("Ministry statement.", "Reported strike", "describes"): "reported in this article",
    }
    # Once linked, whatever the stance, an event is not proposed again for that statement.
    StatementEvent.objects.create(statement=army, event=raid, stance="denies")
    assert ("Army statement.", "Army raid") not in {
        (s.statement.text, s.event.title) for s in event_link_suggestions(article)
    }


def test_suggestions_take_the_same_queries_with_more_statements_and_events(
    reported_article, django_assert_num_queries
):
    article, *_ = reported_article
    # statements; events; events reported in the article; speakers' roles; existing links
    with django_assert_num_queries(5):
        assert len(event_link_suggestions(article)) == 3
    for n in range(6):
        statement = StatementFactory(article=article, status=DRAFT, text=f"More {n}.")
        event = EventFactory(start_date=datetime.date(2023, 10, 28))
        event.articles.add(article)
        EventParticipantFactory(event=event, actor=statement.speaker)
    with django_assert_num_queries(5):
        assert (
            len(event_link_suggestions(article)) == 8 * 7 + 1
        )  # each statement: the 7 reported events; the army: its raid


def test_accepting_a_suggestion_on_the_article_page_creates_the_link(editor_client, editor):
    article, army, ministry, reported, raid = make_reported_article()
    url = article_url(article)
    page = editor_client.get(url).content.decode()
    assert "Events for the article's statements, not yet linked" in page
    assert f'value="{army.pk}:{raid.pk}"' in page
    # The stance proposed is selected; the editor may change it before accepting.
    stance_select = page.split(f'name="stance-{army.pk}-{raid.pk}"', 1)[1].split("</select>")[0]
    assert '<option value="claims" selected>' in stance_select

    response = editor_client.post(
        reverse("admin:articles_article_link_events", args=[article.pk]),
        {
            "link": [f"{army.pk}:{raid.pk}", f"{ministry.pk}:{reported.pk}"],
            f"stance-{army.pk}-{raid.pk}": "claims",
            f"stance-{ministry.pk}-{reported.pk}": "condemns",
            # Not checked: not linked.
            f"stance-{army.pk}-{reported.pk}": "describes",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Linked:" in content and "claims “Army raid”" in content
    assert set(StatementEvent.objects.values_list("statement", "event", "stance")) == {
        (army.pk, raid.pk, "claims"),
        (ministry.pk, reported.pk, "condemns"),
    }
    assert f'value="{army.pk}:{raid.pk}"' not in content  # no longer proposed
    assert StatementEvent.history.first().history_user == editor
    army.refresh_from_db()
    assert army.version == 2  # an open statement form elsewhere would now conflict


@pytest.mark.parametrize(
    "post",
    [
        {"link": ["x:y"]},
        {"link": ["999999:1"], "stance-999999-1": "claims"},
        {"link": ["{army}:{raid}"], "stance-{army}-{raid}": "adores"},
        {"link": ["{other}:{raid}"], "stance-{other}-{raid}": "claims"},
    ],
    ids=["malformed", "unknown", "bad-stance", "statement-of-another-article"],
)
def test_accepting_refuses_bad_input_with_a_message(editor_client, post):
    article, army, ministry, reported, raid = make_reported_article()
    other = StatementFactory()
    values = {"army": army.pk, "raid": raid.pk, "other": other.pk}

    def fill(value):
        return value.format(**values)

    data = {
        fill(key): [fill(v) for v in value] if isinstance(value, list) else fill(value)
        for key, value in post.items()
    }
    url = reverse("admin:articles_article_link_events", args=[article.pk])
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "nothing was linked" in content or "Some suggestions were not linked" in content
    assert not StatementEvent.objects.exists()
    assert editor_client.get(url).status_code == 405


def test_accepting_needs_the_right_to_add_links(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.set(
        Group.objects.get(name="Editors").permissions.exclude(codename="add_statementevent")
    )
    client.force_login(user)
    article, army, ministry, reported, raid = make_reported_article()
    response = client.post(
        reverse("admin:articles_article_link_events", args=[article.pk]),
        {"link": [f"{army.pk}:{raid.pk}"], f"stance-{army.pk}-{raid.pk}": "claims"},
    )
    assert response.status_code == 403
    assert not StatementEvent.objects.exists()


def test_the_article_page_reads_its_statements_events_in_a_fixed_number_of_queries(
    editor_client,
):
    """The links and their events come with the statements (one prefetch), and a row's
    event is shown without a query per row. The statement fields' own actor searches
    (speaker, on behalf of, about) still cost queries per statement, as before."""
    article = ArticleFactory(status=DRAFT)
    url = article_url(article)

    def link_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(url)
        assert response.status_code == 200
        sqls = [q["sql"] for q in queries.captured_queries]
        # The rows: one prefetch of the links with their events (the suggestions find no
        # event for these statements and read no links).
        return (
            sum('FROM "articles_statementevent"' in sql for sql in sqls),
            sum(sql.startswith('SELECT "articles_event"') for sql in sqls),
        )

    counts = []
    for _ in range(2):
        for _ in range(3):
            statement = StatementFactory(article=article, status=DRAFT)
            for stance in ["claims", "denies"]:
                StatementEvent.objects.create(
                    statement=statement, event=EventFactory(), stance=stance
                )
        counts.append(link_queries())
    assert counts[0] == counts[1] == (1, 0)


def test_the_statements_own_page_puts_the_figure_errors_on_their_fields_too(editor_client):
    statement = StatementFactory(status=DRAFT)
    url = reverse("admin:articles_statement_change", args=[statement.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(
        {
            "event_links-0-event": EventFactory().pk,
            "event_links-0-stance": "claims",
            "event_links-0-figure_kind": "injured",
            "event_links-0-claimed_figure": "9",
            "event_links-0-claimed_figure_max": "3",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert list(errors) == ["claimed_figure_max"]
    assert not StatementEvent.objects.exists()
    data["event_links-0-claimed_figure_max"] = "12"
    assert editor_client.post(url, data).status_code == 302
    assert StatementEvent.objects.get().claimed_figure_max == 12
    statement.refresh_from_db()
    assert statement.version == 2
