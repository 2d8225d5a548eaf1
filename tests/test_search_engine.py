"""The search engine: the same behaviour on SQLite (FTS5) and PostgreSQL (tsvector)."""

import pytest
from django.db import connection

from actors.models import Actor, Alias
from articles.models import Article, Event, PublicationStatus, Statement
from search import engine, index
from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    EventFactory,
    OutletFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def found(queryset, q):
    return set(engine.filter_text(queryset, q).values_list("pk", flat=True))


@pytest.fixture
def statements():
    article = ArticleFactory(body="Long body.")
    make = lambda text, **kw: StatementFactory(article=article, text=text, **kw)  # noqa: E731
    return {
        "aid": make("They stressed the importance of delivering humanitarian aid to civilians."),
        "reverse": make("Aid that is humanitarian in nature was discussed."),
        "hostages": make("Both leaders sought the safe release of hostages."),
        "pauses": make("The minister called for humanitarian pauses."),
        "accented": make("Le président a parlé à l'Élysée de la situation."),
        "arabic": make(
            "قال وزير الخارجية إن المساعدات الإنسانية يجب أن تصل إلى غزة", language="ar"
        ),
        "hebrew": make("שר החוץ אמר כי יש להחזיר את החטופים הביתה", language="he"),
    }


def test_words_are_all_required(statements):
    assert found(Statement.objects.all(), "humanitarian civilians") == {statements["aid"].pk}


def test_quoted_phrase_matches_words_in_order(statements):
    assert found(Statement.objects.all(), '"humanitarian aid"') == {statements["aid"].pk}
    assert found(Statement.objects.all(), "humanitarian aid") == {
        statements["aid"].pk,
        statements["reverse"].pk,
    }


def test_minus_excludes_a_word(statements):
    assert found(Statement.objects.all(), "humanitarian -aid") == {statements["pauses"].pk}


def test_minus_excludes_a_phrase(statements):
    assert found(Statement.objects.all(), 'humanitarian -"humanitarian aid"') == {
        statements["reverse"].pk,
        statements["pauses"].pk,
    }


def test_only_exclusions_match_everything_else(statements):
    everything = set(Statement.objects.values_list("pk", flat=True))
    assert found(Statement.objects.all(), "-humanitarian") == everything - {
        statements["aid"].pk,
        statements["reverse"].pk,
        statements["pauses"].pk,
    }


def test_or_accepts_either_term(statements):
    assert found(Statement.objects.all(), "hostages or pauses") == {
        statements["hostages"].pk,
        statements["pauses"].pk,
    }
    assert found(Statement.objects.all(), "hostages OR pauses") == {
        statements["hostages"].pk,
        statements["pauses"].pk,
    }


def test_accents_and_case_are_ignored(statements):
    pk = statements["accented"].pk
    for q in ["elysee", "ÉLYSÉE", "Élysée", "PRESIDENT", "président"]:
        assert found(Statement.objects.all(), q) == {pk}, q


def test_arabic_words_are_found(statements):
    assert found(Statement.objects.all(), "وزير") == {statements["arabic"].pk}
    assert found(Statement.objects.all(), '"وزير الخارجية"') == {statements["arabic"].pk}


def test_hebrew_words_are_found(statements):
    assert found(Statement.objects.all(), "החוץ") == {statements["hebrew"].pk}
    assert found(Statement.objects.all(), "החטופים -שלום") == {statements["hebrew"].pk}
    assert found(Statement.objects.all(), "החטופים -הביתה") == set()
    # Without its prefix ה ("the"), the word is found, and excluded, all the same.
    assert found(Statement.objects.all(), "חטופים") == {statements["hebrew"].pk}
    assert found(Statement.objects.all(), "החטופים -ביתה") == set()


def test_punctuation_and_operators_alone_never_fail(statements):
    for q in ['"', "-", "or", "!!!", "*", "NEAR(", "a:b", "'; DROP TABLE x; --", "(("]:
        list(engine.filter_text(Statement.objects.all(), q))
        engine.highlight(engine.rank(Statement.objects.all(), q), q)


def test_empty_query_leaves_the_queryset_alone(statements):
    assert engine.filter_text(Statement.objects.all(), "  ").count() == len(statements)


def test_actor_found_by_alias_added_changed_and_removed():
    actor = ActorFactory(name="Antony Blinken")
    alias = AliasFactory(actor=actor, name="@SecBlinken")
    assert found(Actor.objects.all(), "SecBlinken") == {actor.pk}
    alias.name = "Tony Blinken"
    alias.save()
    assert found(Actor.objects.all(), "SecBlinken") == set()
    assert found(Actor.objects.all(), "tony") == {actor.pk}
    alias.delete()
    assert found(Actor.objects.all(), "tony") == set()
    assert found(Actor.objects.all(), "antony") == {actor.pk}


def test_bulk_created_rows_and_aliases_are_marked_and_indexed_on_catch_up():
    """bulk_create sends no signal: the triggers mark the rows, the writer catches up."""
    actors = Actor.objects.bulk_create(
        [Actor(name=f"Person {n}", slug=f"person-{n}", kind="person") for n in range(3)]
    )
    Alias.objects.bulk_create([Alias(actor=actors[1], name="Zanzibar")])
    assert found(Actor.objects.all(), "zanzibar") == set()
    assert index.catch_up() == 3
    assert found(Actor.objects.all(), "zanzibar") == {actors[1].pk}
    assert index.catch_up() == 0


def test_rows_written_by_raw_sql_are_indexed_on_the_next_save():
    actor = ActorFactory(name="Before Raw")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE actors_actor SET name = 'Written Raw' WHERE id = %s", [actor.pk])
    EventFactory(title="Any other save")  # its signal catches up every marked row
    assert found(Actor.objects.all(), "raw") == {actor.pk}
    assert found(Actor.objects.all(), "before") == set()


def test_rebuild_reindexes_every_row():
    actor = ActorFactory(name="Rebuilt Everywhere")
    table = "search_actor_fts" if connection.vendor == "sqlite" else "search_actor"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert found(Actor.objects.all(), "rebuilt") == set()
    assert index.rebuild() >= 1
    assert found(Actor.objects.all(), "rebuilt") == {actor.pk}


def test_renaming_a_speaker_reindexes_their_statements():
    speaker = ActorFactory(name="Matthew Miller")
    statement = StatementFactory(speaker=speaker)
    assert found(Statement.objects.all(), "miller") == {statement.pk}
    speaker.name = "Matthew A. Brown"
    speaker.save()
    assert found(Statement.objects.all(), "miller") == set()
    assert found(Statement.objects.all(), "brown") == {statement.pk}


def test_edited_and_deleted_rows_leave_the_index():
    event = EventFactory(title="Strike near Khan Younis")
    assert found(Event.objects.all(), "khan younis") == {event.pk}
    event.title = "Strike near Rafah"
    event.save()
    assert found(Event.objects.all(), "khan") == set()
    event.delete()
    assert found(Event.objects.all(), "rafah") == set()


def test_filter_text_works_for_the_four_models():
    outlet = OutletFactory()
    ArticleFactory(outlet=outlet, title="Ceasefire talks resume")
    EventFactory(title="Ceasefire agreed")
    StatementFactory(text="We want a ceasefire.")
    actor = ActorFactory(name="Ceasefire Monitor")
    for model in (Actor, Statement, Article, Event):
        assert engine.filter_text(model.objects.all(), "ceasefire").count() == 1, model
    assert engine.filter_text(Actor.objects.all(), "ceasefire").get() == actor


def test_filter_text_keeps_the_callers_publication_filter():
    StatementFactory(text="Secret draft remark", status=PublicationStatus.DRAFT)
    StatementFactory(
        text="Secret remark in a draft article",
        article=ArticleFactory(status=PublicationStatus.DRAFT),
    )
    assert engine.filter_text(Statement.objects.published(), "secret").count() == 0
    assert engine.filter_text(Statement.objects.all(), "secret").count() == 2


def test_title_matches_rank_above_body_matches():
    body_only = ArticleFactory(title="Weekly roundup", body="Later, talk of a truce surfaced.")
    in_title = ArticleFactory(title="Truce declared", body="Nothing else of note.")
    ranked = list(engine.rank(Article.objects.all(), "truce"))
    assert ranked == [in_title, body_only]
    assert ranked[0].search_rank > ranked[1].search_rank


def test_highlight_marks_the_matched_words_and_escapes_html():
    EventFactory(title="<b>Air</b> strike & shelling", description="An air strike at dawn.")
    (event,) = engine.highlight(engine.rank(Event.objects.all(), "strike"), "strike").values()
    title = engine.marked_html(event.title)
    assert "<mark>strike</mark>" in title
    assert "&lt;b&gt;Air&lt;/b&gt;" in title
    assert "&amp; shelling" in title
    assert "<mark>strike</mark>" in engine.marked_html(event.snippet)


def test_highlight_marks_accented_text_found_without_accents():
    EventFactory(title="Talks at the Élysée")
    (event,) = engine.highlight(Event.objects.all(), "elysee").values()
    assert "<mark>Élysée</mark>" in engine.marked_html(event.title)


def test_parse_query_reads_the_websearch_syntax():
    parsed = engine.parse_query('aid "safe release" or hostages -hamas -"air strike"')
    assert parsed.groups == [["aid"], ["safe release", "hostages"]]
    assert parsed.excluded == ["hamas", "air strike"]


@pytest.mark.django_db(transaction=True)
def test_search_survives_a_migration_that_rebuilds_a_table():
    """What `migrate` does around another app's migration that alters an indexed table.

    SQLite rebuilds the table (copy, drop, rename), which drops its triggers and fails
    while other tables' triggers name it; PostgreSQL alters it in place.
    """
    from types import SimpleNamespace

    from articles.apps import _keep_tallies, _set_tallies_aside
    from search.apps import _create_sqlite_triggers, _drop_sqlite_triggers

    actor = ActorFactory(name="Rebuilt Person")
    plan = [
        (SimpleNamespace(app_label="actors"), False),
        (SimpleNamespace(app_label="articles"), False),
    ]
    _drop_sqlite_triggers(using="default", plan=plan)  # pre_migrate
    _set_tallies_aside(None, using="default", plan=plan)  # the statement totals' too
    try:
        with connection.schema_editor() as editor:
            if connection.vendor == "sqlite":
                editor._remake_table(Actor)  # what AlterField or AddConstraint do
                editor._remake_table(Statement)
            else:
                editor.execute("ALTER TABLE actors_actor ALTER COLUMN name TYPE varchar(200)")
        ActorFactory(name="Written Mid Migration")
    finally:
        _create_sqlite_triggers(using="default")  # post_migrate
        _keep_tallies(None, using="default", plan=plan)
    assert found(Actor.objects.all(), "rebuilt") == {actor.pk}
    assert found(Actor.objects.all(), "written mid migration") != set()  # rebuilt index
    AliasFactory(actor=actor, name="Fresh alias")
    assert found(Actor.objects.all(), "fresh") == {actor.pk}  # the triggers work again
    StatementFactory(speaker=actor, text="Said after the migration.")
    assert found(Statement.objects.all(), "after migration") != set()
    if connection.vendor == "sqlite":
        from search import documents

        assert documents.sqlite_ensure_triggers(connection) == []  # all present


def test_migrate_leaves_working_triggers():
    """pre/post_migrate around `migrate`; nothing to do when nothing is unapplied."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    AliasFactory(actor=ActorFactory(name="Still indexed"), name="Indexed alias")
    assert found(Actor.objects.all(), "indexed alias") != set()


@pytest.fixture
def scored_rows():
    """Rows of every searchable type whose words repeat, side by side and apart, in
    columns of different weights, in texts of different lengths."""
    speaker = ActorFactory(name="Truce Envoy", description="Talks of a truce, a truce.")
    AliasFactory(actor=speaker, name="Envoy for the truce")
    ActorFactory(name="Aid envoy", description="Truce talks and aid, aid aid.")
    article = ArticleFactory(
        title="Truce talks",
        summary="A truce truce was discussed.",
        body="The truce. " * 40 + "Aid convoys waited for the ceasefire to hold.",
    )
    ArticleFactory(title="Weekly roundup", body="Later, talk of a truce surfaced and aid.")
    make = lambda text, **kw: StatementFactory(article=article, text=text, **kw)  # noqa: E731
    make("The truce must hold, truce truce.", translation="Der truce.", speaker=speaker)
    make("A humanitarian truce and aid for the truce talks.")
    make("Aid now.", translation="Aid for a truce, now.")
    make("We want a ceasefire, not a truce.")
    make("Aid aid aid.", speaker=speaker)
    EventFactory(title="Truce announced", description="A truce, then aid, then a truce.")
    EventFactory(title="Aid convoy", description="Convoys of aid after the truce talks.")


@pytest.mark.parametrize("model", [Statement, Article, Event, Actor])
@pytest.mark.parametrize(
    "q", ["truce", "truce aid", '"truce talks"', "truce or aid", "truce -ceasefire", "aid aid"]
)
def test_scoring_each_row_alone_gives_the_scores_of_scoring_the_whole_match(scored_rows, model, q):
    """SQLite: the per-row bm25 (`alone`, for broad words among few rows) reproduces
    FTS5's own bm25() of every match, score for score. (PostgreSQL scores each row
    alone either way: there the two are one query.)"""
    rows = engine.filter_text(model.objects.all(), q)
    whole = dict(engine.score(rows, q).values_list("pk", "search_rank"))
    alone = dict(engine.score(rows, q, alone=True).values_list("pk", "search_rank"))
    assert len(whole) >= 1 and whole.keys() == alone.keys()
    assert alone == pytest.approx(whole, rel=1e-12)
    if connection.vendor == "sqlite":  # the rows are scored apart, not all alike
        assert len(set(whole.values())) > 1 or len(whole) == 1
    assert list(engine.score(rows, q, alone=True)) == list(engine.score(rows, q))


def test_fts5_varint_reads_each_size_of_number():
    numbers = [0, 1, 127, 128, 16_383, 16_384, 2**56 - 1, 2**56, 2**64 - 1]

    def written(value: int) -> bytes:  # SQLite's varint: 7 bits a byte, the ninth whole
        if value > 2**56 - 1:
            groups = [(value >> (8 + 7 * n)) & 0x7F for n in reversed(range(8))]
            return bytes(0x80 | g for g in groups) + bytes([value & 0xFF])
        groups = [value & 0x7F]
        while value := value >> 7:
            groups.append(value & 0x7F)
        return bytes(0x80 | g for g in reversed(groups[1:])) + bytes([groups[0]])

    block = b"".join(written(n) for n in numbers)
    assert [engine.fts5_varint(block, n) for n in range(len(numbers))] == numbers
    assert engine.fts5_varint(block, len(numbers)) is None
    assert engine.fts5_varint(None, 0) is None
