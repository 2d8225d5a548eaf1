"""The suggestions panel of the article's admin page: each quote's speaker with the reason,
and one click to create a name the archive lacks and link it as mentioned."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from actors.models import Actor
from articles.models import Article

from .factories import ActorFactory, AliasFactory, ArticleFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

BODY = (Path(__file__).parent / "data" / "attribution" / "guterres-security-council.txt").read_text(
    encoding="utf-8"
)


@pytest.fixture
def article():
    OrganisationFactory(name="Hamas", slug="hamas", kind=Actor.Kind.ARMED_GROUP)
    un = OrganisationFactory(
        name="United Nations", slug="united-nations", kind=Actor.Kind.INTERNATIONAL_ORG
    )
    AliasFactory(actor=un, name="UN")
    OrganisationFactory(name="Israel", slug="israel", kind=Actor.Kind.STATE)
    return ArticleFactory(body=BODY)


def quote_items(content: str) -> list[str]:
    """The text of each item of the quoted-passages list, tags removed."""
    section = content.split('id="suggested-quotes"', 1)[1].split('id="suggested-names"', 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def name_items(content: str) -> list[str]:
    section = content.split('id="suggested-names"', 1)[1].split('id="suggested-events"', 1)[0]
    return [
        " ".join(re.sub(r"<(?!option)[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def test_the_page_names_each_quote_s_speaker_with_the_reason(editor_client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    items = quote_items(editor_client.get(url).content.decode())
    unescaped = [item.replace("&#x27;", "'").replace("&quot;", '"') for item in items]
    vacuum = next(item for item in unescaped if "did not happen in a vacuum" in item)
    assert "Speaker: António Guterres, not in the archive yet (subject of 'told')" in vacuum
    assert "Hamas" not in vacuum.split("”", 1)[1]  # the nearest name is not offered
    assert "Create a statement (choose the speaker)" in vacuum
    hamas = next(item for item in unescaped if "welcomed the remarks" in item)
    assert "Speaker: Hamas (after 'according to' (spokesperson for Hamas))" in hamas
    assert "Create a statement by Hamas" in hamas
    # Only the quote Hamas's spokesperson gave is offered as Hamas's.
    assert sum("Create a statement by Hamas" in item for item in unescaped) == 1
    he = next(item for item in unescaped if "56 years" in item)
    assert "'He' → last named speaker António Guterres" in he


def test_the_page_proposes_the_missing_actors(editor_client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    items = name_items(editor_client.get(url).content.decode())
    names = [item.split(" (")[0].split(",")[0] for item in items]
    assert names == ["António Guterres", "Security Council", "Gilad Erdan", "Eli Cohen"]
    assert items[0].startswith("António Guterres (UN Secretary-General), 2 times")
    assert '<option value="person" selected>' in items[0]


def test_create_actor_and_link_in_one_click(editor_client, article):
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    create_url = reverse("admin:articles_article_create_actor", args=[article.pk])
    version = Article.objects.get(pk=article.pk).version
    response = editor_client.post(
        create_url, {"name": "António Guterres", "kind": "person"}, follow=True
    )
    assert response.redirect_chain == [(change_url, 302)]
    content = response.content.decode()
    assert "Created António Guterres (person) and added it to the actors mentioned." in content
    guterres = Actor.objects.get(name="António Guterres")
    assert (guterres.kind, guterres.slug) == ("person", "antonio-guterres")
    assert list(article.mentioned_actors.all()) == [guterres]
    assert Article.objects.get(pk=article.pk).version == version + 1
    assert guterres.history.first().history_user.username == "maria"
    # The quote is now his, and he is no longer proposed.
    items = quote_items(content)
    vacuum = next(item for item in items if "did not happen in a vacuum" in item)
    assert "Create a statement by António Guterres" in vacuum
    assert escape("(subject of 'told')") in vacuum
    assert not any(item.startswith("António Guterres") for item in name_items(content))
    link = next(
        url
        for suggestion, url in response.context["quote_suggestions"]
        if suggestion.speaker == guterres
    )
    form = editor_client.get(link).context["adminform"].form
    assert form["speaker"].value() == str(guterres.pk)
    assert form["text"].value() == "did not happen in a vacuum"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "person"}, "Give the actor&#x27;s name: nothing was created."),
        ({"name": "   ", "kind": "person"}, "Give the actor&#x27;s name: nothing was created."),
        (
            {"name": "x" * 201, "kind": "person"},
            "An actor&#x27;s name has at most 200 characters: nothing was created.",
        ),
        (
            {"name": "Gilad Erdan", "kind": "wizard"},
            "Choose the kind of actor from the list: nothing was created.",
        ),
        ({"name": "Gilad Erdan"}, "Choose the kind of actor from the list: nothing was created."),
        (
            {"name": "united nations", "kind": "other"},
            "“united nations” is already in the archive as United Nations: add it to the "
            "actors mentioned instead. Nothing was created.",
        ),
        (
            {"name": "UN", "kind": "other"},
            "“UN” is already in the archive as United Nations",
        ),
    ],
)
def test_create_actor_refuses_bad_input_and_changes_nothing(editor_client, article, data, message):
    create_url = reverse("admin:articles_article_create_actor", args=[article.pk])
    actors = set(Actor.objects.values_list("pk", flat=True))
    version = Article.objects.get(pk=article.pk).version
    response = editor_client.post(create_url, data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert set(Actor.objects.values_list("pk", flat=True)) == actors
    assert not article.mentioned_actors.exists()
    assert Article.objects.get(pk=article.pk).version == version


def test_create_actor_refuses_get_a_missing_article_and_users_without_permission(
    editor_client, client, django_user_model, article
):
    create_url = reverse("admin:articles_article_create_actor", args=[article.pk])
    data = {"name": "Gilad Erdan", "kind": "person"}
    assert editor_client.get(create_url).status_code == 405
    missing = reverse("admin:articles_article_create_actor", args=["999999"])
    response = editor_client.post(missing, data, follow=True)
    assert "That article does not exist." in response.content.decode()

    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(viewer)
    assert client.post(create_url, data).status_code == 403
    # A staff user who may change articles but not add actors sees no button either.
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        Permission.objects.get(codename="change_article"),
        Permission.objects.get(codename="view_article"),
    )
    client.force_login(django_user_model.objects.get(pk=viewer.pk))
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    content = client.get(change_url).content.decode()
    assert "Gilad Erdan" in "".join(name_items(content))
    assert "Create actor and link" not in content
    assert client.post(create_url, data).status_code == 403
    assert not Actor.objects.filter(name="Gilad Erdan").exists()


def test_create_actor_is_csrf_protected(django_user_model, article):
    user = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    create_url = reverse("admin:articles_article_create_actor", args=[article.pk])
    assert client.post(create_url, {"name": "Gilad Erdan", "kind": "person"}).status_code == 403
    assert not Actor.objects.filter(name="Gilad Erdan").exists()


def test_a_name_whose_slug_is_taken_gets_a_numbered_slug(editor_client, article):
    ActorFactory(name="Antonio Guterres", slug="antonio-guterres")
    create_url = reverse("admin:articles_article_create_actor", args=[article.pk])
    editor_client.post(create_url, {"name": "António Guterres", "kind": "person"})
    assert Actor.objects.get(name="António Guterres").slug == "antonio-guterres-2"
