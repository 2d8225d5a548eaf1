"""Who said a quote, and which names are not in the archive yet, read from the text.

The four articles in tests/data/attribution/ were written for these tests (not taken from
the demo): the Guterres example of the tracker, German „…“ and French «…» quotes, "He
said", "according to", "X's spokesperson", a title before a name, a speaker named after
the quote. Each quote must get its speaker from the grammar, never the nearest name.
"""

import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor
from articles import attribution
from articles.admin.suggestions import name_proposals, quote_suggestions
from articles.quotes import closest_passage

from .factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    OrganisationFactory,
    PlaceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "attribution"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def archive():
    """The actors a small archive already has: the parties, not the people quoted."""
    actors = {
        "hamas": OrganisationFactory(name="Hamas", slug="hamas", kind=Actor.Kind.ARMED_GROUP),
        "israel": OrganisationFactory(name="Israel", slug="israel", kind=Actor.Kind.STATE),
        "un": OrganisationFactory(
            name="United Nations", slug="united-nations", kind=Actor.Kind.INTERNATIONAL_ORG
        ),
        "idf": OrganisationFactory(
            name="Israel Defense Forces", slug="idf", kind=Actor.Kind.MILITARY
        ),
        "fcdo": OrganisationFactory(name="Foreign, Commonwealth & Development Office", slug="fcdo"),
        "cleverly": ActorFactory(name="James Cleverly", slug="james-cleverly"),
    }
    AliasFactory(actor=actors["un"], name="UN")
    AliasFactory(actor=actors["idf"], name="IDF")
    AliasFactory(actor=actors["fcdo"], name="Foreign Office")
    PlaceFactory(name="Gaza")
    return actors


def speakers(body: str) -> list[tuple[str, str, str, str]]:
    """(start of the quote, speaker's name, the known actor's slug or "", reason)."""
    return [
        (
            s.text[:24],
            s.speaker_name,
            s.speaker.slug if s.speaker else "",
            s.reason,
        )
        for s in quote_suggestions(body)
    ]


def proposed(body: str) -> dict[str, tuple[str, str]]:
    return {p.name: (p.kind, p.role) for p in name_proposals(body)}


def test_guterres_is_the_subject_of_told_not_hamas_the_nearest_name(archive):
    body = read("guterres-security-council.txt")
    assert speakers(body) == [
        # The headline quotes the same words; proposed once, with the text's speaker.
        ("did not happen in a vacu", "António Guterres", "", "subject of 'told'"),
        (
            "subjected to 56 years of",
            "António Guterres",
            "",
            "'He' → last named speaker António Guterres",
        ),
        ("The UN secretary-general", "Gilad Erdan", "", "subject of 'wrote'"),
        ("I will not meet with the", "Eli Cohen", "", "subject of 'said'"),
        ("After October 7th there ", "Eli Cohen", "", "continues the last speaker, Eli Cohen"),
        (
            "welcomed the remarks",
            "Hamas",
            "hamas",
            "after 'according to' (spokesperson for Hamas)",
        ),
    ]
    names = proposed(body)
    assert names == {
        "António Guterres": ("person", "UN Secretary-General"),
        "Security Council": ("other", ""),
        "Gilad Erdan": ("person", ""),
        "Eli Cohen": ("person", "Foreign Minister"),
    }


def test_german_and_french_quotes_get_their_speakers(archive):
    body = read("berlin-guillemets.txt")
    assert speakers(body) == [
        ("Wir müssen genau aufklär", "Olaf Scholz", "", "subject of 'said'"),
        ("Rien ne peut justifier l", "Emmanuel Macron", "", "subject of 'told'"),
        # "an IDF spokesperson": the alias resolves to the army.
        ("Die Rakete wurde von der", "IDF", "idf", "after 'according to'"),
    ]
    names = proposed(body)
    assert {"Olaf Scholz", "Steffen Hebestreit", "Emmanuel Macron"} <= set(names)
    assert names["Olaf Scholz"] == ("person", "German Chancellor")
    # Places, days, sentence openings and the capitalised nouns of a German quote are
    # no actors.
    for not_an_actor in ["Berlin", "Paris", "Cairo", "Amman", "Wednesday", "Die Rakete"]:
        assert not any(not_an_actor in name for name in names), not_an_actor
    assert not any("Gruppe" in name or "Speaking" in name for name in names)


def test_spokesperson_he_added_and_an_alias_of_a_known_office(archive):
    body = read("foreign-office.txt")
    assert speakers(body) == [
        ("This funding will provid", "James Cleverly", "james-cleverly", "subject of 'said'"),
        (
            "Hamas does not represent",
            "James Cleverly",
            "james-cleverly",
            "'He' → last named speaker James Cleverly",
        ),
        (
            "the UK continues to call",
            "Foreign Office",
            "fcdo",
            "subject of 'said' (Foreign Office's spokesperson)",
        ),
        ("will not accept the disp", "Sameh Shoukry", "", "subject of 'told'"),
        ("a drop in the ocean.", "Bushra Khalidi", "", "subject of 'warned'"),
    ]
    names = proposed(body)
    assert {"Sameh Shoukry", "Bushra Khalidi"} <= set(names)
    # Known by its alias, so not proposed again; places and days are not actors.
    for not_an_actor in ["Foreign Office", "Rafah", "Egypt", "Sinai", "Monday", "UK"]:
        assert not any(not_an_actor in name for name in names), not_an_actor


def test_speaker_after_the_quote_and_a_surname_alone(archive):
    body = read("idf-briefing.txt")
    assert speakers(body) == [
        ("We struck a Hamas comman", "Daniel Hagari", "", "subject of 'said'"),
        ("a residential building f", "Medhat Abbas", "", "subject of 'told'"),
        ("We are not targeting civ", "Daniel Hagari", "", "subject of 'said'"),
        (
            "Hamas uses the populatio",
            "Daniel Hagari",
            "",
            "continues the last speaker, Daniel Hagari",
        ),
        ("no reason to doubt", "John Kirby", "", "subject of 'said'"),
    ]
    names = proposed(body)
    assert names["Daniel Hagari"] == ("person", "Rear Admiral")
    assert names["National Security Council"][0] != "person"
    assert {"Medhat Abbas", "John Kirby", "White House"} <= set(names)
    for not_an_actor in ["Tel Aviv", "Thursday", "Gaza", "Hagari"]:
        assert not_an_actor not in names, not_an_actor


def test_a_recorded_quote_is_not_suggested_again(archive):
    body = read("guterres-security-council.txt")
    article = ArticleFactory(body=body)
    StatementFactory(article=article, speaker=archive["hamas"], text="welcomed the remarks")
    recorded = list(article.statements.values_list("text", flat=True))
    texts = [s.text for s in quote_suggestions(body, recorded=recorded)]
    assert "welcomed the remarks" not in texts
    assert "did not happen in a vacuum" in texts


# The attribution rules one by one -----------------------------------------------------


def attributed(body: str, known=()) -> list[tuple[str, str]]:
    known = attribution.Known(known)
    return [(a.quote.text, a.speaker) for a in attribution.attribute(body, known=known)]


def test_the_quotation_marks_recognised():
    body = (
        "A said «one two». B said „three four“. C said „five six”. D said ‚seven eight‘. "
        "E said ‘Israel’s nine ten’. F said “eleven”. G said \"twelve\". H said 'thirteen'."
    )
    assert [q.text for q in attribution.find_quotes(body)] == [
        "one two",
        "three four",
        "five six",
        "seven eight",
        "Israel’s nine ten",  # an apostrophe inside does not close the quote
        "eleven",
        "twelve",
    ]  # straight single quotes are apostrophes as often as quotes: not recognised
    for quote in attribution.find_quotes(body):
        assert body[quote.start : quote.end] == quote.text


def test_sentences_keep_their_offsets_and_skip_titles_initials_and_quotes():
    body = (
        "Lt. Col. Peter Lerner said so. Antony J. Blinken agreed. "
        "“Is it over? No,” he asked. The U.S. envoy left.\n\nA new paragraph"
    )
    spans = attribution.sentences(body)
    assert [body[start:end] for start, end in spans] == [
        "Lt. Col. Peter Lerner said so.",
        "Antony J. Blinken agreed.",
        "“Is it over? No,” he asked.",
        "The U.S. envoy left.",
        "A new paragraph",
    ]


def test_he_is_the_last_person_who_spoke_not_an_organisation():
    body = (
        "Gilad Erdan said the vote was a disgrace. The Foreign Office said it regretted "
        "the vote. He said “this council has lost all moral legitimacy.”"
    )
    [result] = attribution.attribute(body, known=attribution.Known([("Foreign Office", False)]))
    assert result.speaker == "Gilad Erdan"
    assert result.reason == "'He' → last named speaker Gilad Erdan"


def test_she_is_the_last_person_named_when_no_one_spoke_before():
    body = (
        "Sarah Levy, a nurse, described the scene. She said “we ran out of everything overnight.”"
    )
    [result] = attribution.attribute(body)
    assert (result.speaker, result.reason) == (
        "Sarah Levy",
        "'She' → last person named, Sarah Levy",
    )
    [alone] = attribution.attribute("She said “we ran out of everything overnight.”")
    assert alone.speaker == ""
    assert alone.reason == "'She' with no named speaker before it"


def test_subject_not_nearest_name_apposition_inversion_and_unnamed_subjects():
    assert attributed(
        "Guterres said the attacks by Hamas were “a grave breach of the law”.",
        known=[("Hamas", False)],
    ) == [("a grave breach of the law", "Guterres")]
    assert attributed("Israel's ambassador, Gilad Erdan, said “we will respond”.") == [
        ("we will respond", "Gilad Erdan")
    ]
    assert attributed("“We will respond,” said Gilad Erdan, Israel's envoy.") == [
        ("We will respond,", "Gilad Erdan")
    ]
    [unnamed] = attribution.attribute("The ministry said “the figures are final”.")
    assert unnamed.speaker == ""
    assert unnamed.reason == "subject of 'said': “The ministry”, not a name"
    [no_verb] = attribution.attribute("A sign read “closed until further notice” today.")
    assert (no_verb.speaker, no_verb.reason) == ("", "no speech verb in the sentence")


def test_a_participle_takes_the_subject_of_its_sentence():
    body = "Cleverly shared his view on social media, stating, “We stand with Israel.”"
    [result] = attribution.attribute(body, known=attribution.Known([("James Cleverly", True)]))
    assert result.speaker == "James Cleverly"  # the surname alone is the known person
    assert result.reason == "subject of the sentence with 'stating'"


def test_unknown_names_leave_out_known_names_aliases_places_and_quoted_words():
    body = (
        "On Tuesday UN Secretary-General António Guterres met Ursula von der Leyen in "
        "Tel Aviv. The European Commission said “Die Gruppe Hamas ist verantwortlich”. "
        "In October Guterres flew to Cairo."
    )
    found = {
        name.name: name
        for name in attribution.unknown_names(
            body, known=attribution.Known([("Hamas", False), ("UN", False)]), places=["Cairo"]
        )
    }
    assert set(found) == {"António Guterres", "Ursula von der Leyen", "European Commission"}
    assert found["António Guterres"].count == 2  # "Guterres" alone counts for him
    assert found["António Guterres"].role == "UN Secretary-General"
    assert found["European Commission"].is_person is False
    # "Bank" and "Strip" make places, not organisations.
    body = "Human Rights Watch said raids in the West Bank and the Gaza Strip rose."
    assert [n.name for n in attribution.unknown_names(body)] == ["Human Rights Watch"]


def test_create_service_refuses_a_name_the_archive_has(archive):
    from articles.services import actor_create_mentioned

    article = ArticleFactory()
    with pytest.raises(ValidationError):
        actor_create_mentioned(article=article, name="foreign office", kind="other")
    with pytest.raises(ValidationError):
        actor_create_mentioned(article=article, name="  ", kind="person")
    assert not article.mentioned_actors.exists()
    # A slug another actor has is numbered, not refused.
    ActorFactory(name="Antonio Guterres", slug="antonio-guterres")
    actor = actor_create_mentioned(article=article, name="António  Guterres", kind="person")
    assert (actor.name, actor.slug) == ("António Guterres", "antonio-guterres-2")
    assert list(article.mentioned_actors.all()) == [actor]


# The wrong-quote hint -------------------------------------------------------------------


def test_a_misquote_is_shown_the_closest_passage_and_an_unrelated_one_nothing():
    body = read("guterres-security-council.txt")
    misquote = "the attacks by Hamas did not come out of a vacuum"
    assert closest_passage(body, misquote) == (
        'that the attacks by Hamas "did not happen in a vacuum".'
    )
    assert closest_passage(body, "Bread prices in Lisbon rose sharply this winter") == ""


def test_the_quote_not_in_the_body_message_says_nothing_similar(archive):
    article = ArticleFactory(body=read("guterres-security-council.txt"))
    statement = StatementFactory.build(
        article=article,
        speaker=archive["hamas"],
        kind="quote",
        text="Bread prices in Lisbon rose sharply this winter",
    )
    with pytest.raises(ValidationError) as refused:
        statement.clean()
    assert refused.value.message_dict["text"] == [
        "This quote is not in the source article's body. Nothing similar is in the article."
    ]
    statement.text = "the attacks by Hamas did not come out of a vacuum"
    with pytest.raises(ValidationError) as refused:
        statement.clean()
    assert refused.value.message_dict["text"] == [
        "This quote is not in the source article's body. The closest passage there reads: "
        '“that the attacks by Hamas "did not happen in a vacuum".”'
    ]


def test_the_closest_passage_of_a_long_article_takes_milliseconds():
    paragraphs = [
        f"Paragraph {n} reports the talks in city number {n} and what each side said."
        for n in range(3000)
    ]
    paragraphs[2345] = "The envoy said the ceasefire would hold until the end of the week."
    body = "\n\n".join(paragraphs)  # about 230,000 characters
    started = time.perf_counter()
    found = closest_passage(body, "the ceasefire will hold until the end of this week")
    elapsed = time.perf_counter() - started
    assert found == "the ceasefire would hold until the end of the week."
    # About 0.07 s; difflib, before rapidfuzz, took 0.4 to 0.7 s on this body.
    assert elapsed < 0.25


def test_a_long_article_is_read_in_linear_time():
    body = "\n\n".join([read("guterres-security-council.txt")] * 150)  # 130,000 characters
    started = time.perf_counter()
    found = attribution.attribute(body)
    names = attribution.unknown_names(body)
    assert time.perf_counter() - started < 5  # about 0.6 s; read quadratically, 8 s
    assert len(found) == 7 * 150
    assert {"António Guterres", "Gilad Erdan", "Security Council"} <= {n.name for n in names}


@pytest.mark.parametrize(
    ("body", "speaker", "reason"),
    [
        (
            "Biden, speaking at the White House, said: “Israel has the right to defend itself.”",
            "Biden",  # not the White House, named in the aside
            "subject of 'said'",
        ),
        (
            "UN chief António Guterres, on Tuesday, told the council “enough is enough”.",
            "António Guterres",
            "subject of 'told'",
        ),
        (
            "“Enough is enough,” Qatar's foreign ministry spokesman Majed al-Ansari told a "
            "news conference in Doha.",
            "Majed al-Ansari",
            "subject of 'told'",
        ),
        (
            "“Nobody is safe in Gaza,” UNRWA Commissioner-General Philippe Lazzarini told "
            "reporters.",
            "Philippe Lazzarini",
            "subject of 'told'",
        ),
        (
            "Netanyahu's office said in a statement: “The army has been told to act.”",
            "Netanyahu",
            "subject of 'said' (Netanyahu's office)",
        ),
        (
            "The Foreign Office spokesman said “we are appalled by the attack”.",
            "Foreign Office",
            "subject of 'said' (Foreign Office spokesman)",
        ),
        (
            "The ministry's statement, issued late on Friday, said “the crossing will stay shut”.",
            "",
            "subject of 'said': “ministry's statement”, not a name",
        ),
        (
            "He has repeatedly said that “Hamas must be destroyed”.",
            "",
            "'He' with no named speaker before it",
        ),
        (
            "According to UNICEF, “more than 3,000 children have been killed.”",
            "UNICEF",
            "after 'according to'",
        ),
    ],
)
def test_asides_titles_particles_and_offices(body, speaker, reason):
    [result] = attribution.attribute(body)
    assert (result.speaker, result.reason) == (speaker, reason)
