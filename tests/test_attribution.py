"""Attribution as reported and as established: the primary source, who issued it, the
verification state, and the word-level comparison of the two wordings."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from articles.models import Statement
from articles.wording import compare, identical
from tests.factories import ActorFactory, ArticleFactory, StatementFactory

pytestmark = pytest.mark.django_db

BODY = "The ministry said the strike hit “a weapons depot near the school” on Monday."


def test_compare_keeps_each_wording_and_marks_the_words_that_differ():
    runs = compare("hit a weapons depot near the school", "hit a depot beside the school")
    assert [(r.side, r.text) for r in runs] == [
        ("same", "hit a "),
        ("printed", "weapons "),
        ("same", "depot "),
        ("printed", "near "),
        ("primary", "beside "),
        ("same", "the school"),
    ]
    printed = "".join(r.text for r in runs if r.side in ("same", "printed"))
    assert printed == "hit a weapons depot near the school"
    # Typography and case are not differences: the quote check normalises them too.
    assert identical("Israel’s right — to “self-defense”", 'israel\'s right - to "self-defense"')
    assert not identical("hostages were released", "hostages be released")


def test_the_statement_page_shows_the_state_the_issuer_and_the_comparison(client):
    ministry, account = ActorFactory(name="Ministry"), ActorFactory(name="Ministry press office")
    statement = StatementFactory(
        article=ArticleFactory(body=BODY),
        speaker=ministry,
        text="a weapons depot near the school",
        source_url="https://ministry.example/statement/12",
        primary_source_issuer=account,
        primary_text="a depot beside the school",
        verification=Statement.Verification.DIFFERS,
    )
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Differs from the primary source." in page
    assert "The primary source was issued by" in page and "Ministry press office" in page
    assert 'href="https://ministry.example/statement/12"' in page
    assert "<del>weapons </del>" in page and "<ins>beside </ins>" in page


def test_an_unchecked_statement_says_it_is_as_reported(client):
    statement = StatementFactory(article=ArticleFactory(body=BODY), text="a weapons depot")
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "As reported (not checked against a primary source)." in page
    assert "wording-comparison" not in page


def test_matching_or_differing_needs_a_primary_source_the_reader_can_open():
    statement = StatementFactory.build(
        article=ArticleFactory(body=BODY),
        speaker=ActorFactory(),
        text="a weapons depot",
        verification=Statement.Verification.MATCHES,
    )
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "Give the primary source's URL" in error.value.message_dict["source_url"][0]


def test_exports_structured_data_and_citations_carry_the_state(client):
    statement = StatementFactory(
        article=ArticleFactory(body=BODY),
        text="a weapons depot",
        source_url="https://ministry.example/statement/12",
        verification=Statement.Verification.MATCHES,
    )
    StatementFactory(article=statement.article, text="on Monday")
    response = client.get("/statements/", {"format": "csv", "verification": "matches"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["text"], r["verification"]) for r in rows] == [("a weapons depot", "matches")]
    page = client.get(statement.get_absolute_url()).content.decode()
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["creativeWorkStatus"] == "Matches the primary source"
    assert (
        "Attribution: matches the primary source; primary source https://ministry.example/" in page
    )


def test_a_bad_verification_value_is_a_form_error(client):
    response = client.get("/statements/", {"verification": "probably"})
    assert response.status_code == 400
    assert "“probably” is not a verification state" in response.content.decode()


def test_the_demo_records_the_seeds_attribution_honestly(demo, client):
    post = Statement.objects.get(text__startswith="Today @JamesCleverly")
    assert post.speaker.slug == "james-cleverly"  # whom the article credits
    assert post.primary_source_issuer.slug == "foreign-commonwealth-development-office"
    readout = Statement.objects.get(speaker__slug="matthew-miller")
    assert readout.primary_source_issuer.slug == "us-department-of-state"
    # No primary wording is in the archive, so nothing is claimed checked.
    assert set(Statement.objects.values_list("verification", flat=True)) == {"as_reported"}
    assert not Statement.objects.exclude(primary_text="").exists()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "As reported (not checked against a primary source)." in page
    assert "The primary source was issued by" in page
