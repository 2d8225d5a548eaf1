"""Actor and quote suggestions on the article change page."""

import pytest
from django.urls import reverse

from articles.admin.suggestions import actor_suggestions, quote_suggestions
from articles.models import Article, Statement

from .factories import ActorFactory, AliasFactory, ArticleFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SEED_SLUG = "israel-gaza-war-james-cleverly-and-antony-blinken-discuss-humanitarian-access"


def names_found(body, **kwargs):
    return [s.actor.name for s in actor_suggestions(body, **kwargs)]


def test_names_and_aliases_match_whole_words_ignoring_case():
    israel = OrganisationFactory(name="Israel", kind="state")
    blinken = ActorFactory(name="Antony Blinken")
    AliasFactory(actor=blinken, name="@SecBlinken")
    body = "ISRAEL said so. Israeli officials agreed. @secblinken posted; antony blinken too."
    suggestions = {s.actor.name: s for s in actor_suggestions(body)}
    assert set(suggestions) == {"Israel", "Antony Blinken"}
    assert suggestions["Israel"].count == 1  # "Israeli" is another word
    assert suggestions["Antony Blinken"].count == 2
    assert suggestions["Israel"].matched == "ISRAEL"
    assert names_found(body, exclude_ids={israel.pk, blinken.pk}) == []


def test_short_capital_aliases_must_match_their_case():
    usa = OrganisationFactory(name="United States", kind="state")
    AliasFactory(actor=usa, name="US")
    assert names_found("Join us for the briefing.") == []
    assert names_found("The US and the UK condemned it.") == ["United States"]


def test_the_longest_name_wins():
    OrganisationFactory(name="Israel", kind="state")
    OrganisationFactory(name="Israel Air Force", kind="military")
    assert names_found("The Israel Air Force struck.") == ["Israel Air Force"]


def test_seed_article_suggestions(demo):
    article = Article.objects.get(slug=SEED_SLUG)
    linked = set(article.mentioned_actors.values_list("pk", flat=True))
    # The demo links every actor the text names, so nothing is left to suggest.
    assert names_found(article.body, exclude_ids=linked) == []
    everything = names_found(article.body)
    assert {"Antony Blinken", "James Cleverly", "Eli Cohen", "Matthew Miller"} <= set(everything)


def test_quoted_passages_are_suggested_with_the_speaker_the_grammar_names(demo):
    article = Article.objects.get(slug=SEED_SLUG)
    suggestions = quote_suggestions(article.body)
    assert len(suggestions) == 2
    miller = suggestions[0]
    assert miller.text.startswith("Secretary of State Antony J. Blinken had a conversation")
    # "the US Department of State’s Matthew Miller reported, “…”": the name after the
    # possessive is the subject, although Blinken and Cleverly are named in the quote.
    assert miller.speaker.slug == "matthew-miller"
    assert miller.reason == "subject of 'reported'"
    cleverly = suggestions[1]
    assert cleverly.text.startswith("Today @JamesCleverly spoke to @elicoh1")
    assert cleverly.speaker.slug == "james-cleverly"
    assert cleverly.reason == "subject of the sentence with 'stating'"
    # Already recorded as statements, so not suggested again.
    recorded = list(article.statements.values_list("text", flat=True))
    assert quote_suggestions(article.body, recorded=recorded) == []


def test_a_quote_with_no_speaker_found_is_proposed_saying_so():
    ActorFactory(name="Rania Haddad")
    body = (
        "Rania Haddad arrived early. "
        + "Nothing happened for a long while. " * 8
        + 'A sign read "closed until further notice" and that was all.'
    )
    [sign] = quote_suggestions(body)
    # Not given to Rania Haddad, the only name in the text: nobody says it.
    assert (sign.text, sign.speaker, sign.speaker_name) == ("closed until further notice", None, "")
    assert sign.reason == "no speech verb in the sentence"
    body = "Rania Haddad said: “We will return next week.”"
    [suggestion] = quote_suggestions(body)
    assert suggestion.speaker.name == "Rania Haddad"
    assert suggestion.text == "We will return next week."
    assert suggestion.reason == "subject of 'said'"


def test_change_page_lists_suggestions_and_one_click_adds_a_mention(editor_client, demo):
    article = Article.objects.get(slug=SEED_SLUG)
    miller = article.mentioned_actors.get(slug="matthew-miller")
    article.mentioned_actors.remove(miller)
    Statement.objects.filter(article=article, speaker=miller).delete()
    url = reverse("admin:articles_article_change", args=[article.pk])
    content = editor_client.get(url).content.decode()
    assert "Actors named in the text, not yet linked" in content
    assert "Add Matthew Miller to the actors mentioned" in content
    assert "Create a statement by Matthew Miller" in content

    version = Article.objects.get(pk=article.pk).version
    add_url = reverse("admin:articles_article_add_mention", args=[article.pk])
    response = editor_client.post(add_url, {"actor": miller.pk}, follow=True)
    assert "Added Matthew Miller to the actors mentioned." in response.content.decode()
    assert article.mentioned_actors.filter(pk=miller.pk).exists()
    assert Article.objects.get(pk=article.pk).version == version + 1
    latest = article.history.first()  # recorded with who added it
    assert latest.history_user.username == "maria"
    assert miller.pk in latest.mentioned_actors.values_list("actor_id", flat=True)
    assert "Add Matthew Miller to the actors mentioned" not in response.content.decode()


def test_create_statement_link_prefills_the_statement_form(editor_client, demo):
    article = Article.objects.get(slug=SEED_SLUG)
    miller = article.mentioned_actors.get(slug="matthew-miller")
    Statement.objects.filter(article=article, speaker=miller).delete()
    url = reverse("admin:articles_article_change", args=[article.pk])
    link = next(
        url
        for suggestion, url in editor_client.get(url).context["quote_suggestions"]
        if suggestion.speaker == miller
    )
    form = editor_client.get(link).context["adminform"].form
    assert form["article"].value() == str(article.pk)
    assert form["speaker"].value() == str(miller.pk)
    assert form["kind"].value() == "quote"
    assert form["text"].value().startswith("Secretary of State Antony J. Blinken")


def test_add_mention_refuses_get_bad_input_and_users_without_permission(
    editor_client, client, django_user_model, demo
):
    article = Article.objects.get(slug=SEED_SLUG)
    before = set(article.mentioned_actors.values_list("pk", flat=True))
    add_url = reverse("admin:articles_article_add_mention", args=[article.pk])
    assert editor_client.get(add_url).status_code == 405
    for bad in ["", "abc", "999999", "-1"]:
        response = editor_client.post(add_url, {"actor": bad}, follow=True)
        assert response.status_code == 200
        assert "No such actor: nothing was added." in response.content.decode()
    missing = reverse("admin:articles_article_add_mention", args=["nope"])
    response = editor_client.post(missing, {"actor": 1}, follow=True)
    assert "That article does not exist." in response.content.decode()

    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(viewer)
    actor = ActorFactory()
    assert client.post(add_url, {"actor": actor.pk}).status_code == 403
    assert set(article.mentioned_actors.values_list("pk", flat=True)) == before


def test_add_mention_is_csrf_protected(django_user_model, demo):
    from django.test import Client

    user = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    article = Article.objects.get(slug=SEED_SLUG)
    actor = ActorFactory()
    add_url = reverse("admin:articles_article_add_mention", args=[article.pk])
    assert client.post(add_url, {"actor": actor.pk}).status_code == 403
    assert not article.mentioned_actors.filter(pk=actor.pk).exists()


@pytest.mark.parametrize("actors", [5, 200])
def test_change_page_query_count_does_not_grow_with_known_actors(
    editor_client, django_assert_max_num_queries, actors
):
    article = ArticleFactory(body="Report. " + " ".join(f"Person {n} spoke." for n in range(300)))
    for n in range(actors):
        AliasFactory(actor=ActorFactory(name=f"Person {n}"), name=f"P{n}")
    url = reverse("admin:articles_article_change", args=[article.pk])
    # session, user, groups/permissions (2), the article (get_object twice: suggestions
    # and the form), mentions linked, statement texts, actors, aliases, the form's
    # outlet choice, mentioned actors, the statements inline (with its count), the
    # history and admin-log lookups: about 20, whatever the number of actors.
    with django_assert_max_num_queries(22):
        response = editor_client.get(url)
    assert len(response.context["actor_suggestions"]) == actors
