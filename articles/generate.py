"""Synthetic archives at scale, for benchmarks: `manage.py generate_archive`.

Deterministic for a seed: the same seed and sizes give the same rows. Rows are written
with `bulk_create` in batches (and indexed for search at the end), so a million
statements take minutes, not hours. Every generated quote is found in its article's
body, so the rows would pass validation, and most statements mention one or two actors.
"""

import datetime
import random
from collections.abc import Callable

from django.db import connection, transaction

from actors.models import Actor, Role
from search import documents, index

from . import freshness, quotes, tallies
from .models import Article, Event, Outlet, Place, PublicationStatus, Statement, StatementEvent

BATCH = 5000
WORDS = (
    "ceasefire humanitarian corridor aid convoy hostages release talks minister spokesperson "
    "border strike shelling civilians hospital negotiations envoy sanctions resolution "
    "security council evacuation water fuel electricity crossing statement readout "
    "military operation region escalation partners support condemn urge pause truce "
    "غزة مساعدات هدنة الرهائن שביתת נשק חטופים סיוע"
).split()
MENTIONS = (0, 1, 1, 2)  # actors a generated statement mentions, drawn from these
OLD_KIND_COUNT = 10  # event kinds before the ACLED/CAMEO kinds (see _event)
KINDS = [Actor.Kind.PERSON] * 6 + [Actor.Kind.GOVERNMENT_BODY, Actor.Kind.MILITARY]


def _published_at(day: datetime.date, public: bool) -> datetime.datetime | None:
    """When a generated public row "became public": noon UTC of its date (no random draw,
    so a seed's other rows stay as they were)."""
    if not public:
        return None
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _event(
    i: int,
    rng: random.Random,
    kind_rng: random.Random,
    prefix: str,
    start: datetime.date,
    places: list[Place],
    status: Callable[[], str],
) -> Event:
    """One event of any kind: a diplomatic one with its kind's CAMEO code, one in twenty of
    the others still ongoing."""
    title = f"Synthetic event {i}: {_sentence(rng)[:60]}"
    rng.randrange(OLD_KIND_COUNT)  # the draw the kind used to take from this stream
    kind = kind_rng.choice(Event.Kind.values)
    return Event(
        title=title,
        slug=f"{prefix}-event-{i}",
        kind=kind,
        cameo_code=Event.DEFAULT_CAMEO_CODES.get(kind, ""),
        ongoing=kind not in Event.DIPLOMATIC_KINDS and kind_rng.random() < 0.05,
        start_date=start + datetime.timedelta(days=rng.randint(0, 400)),
        place=rng.choice(places),
        description=_sentence(rng),
        # Drawn in the order the fields were drawn before, for the same rows per seed.
        status=status(),
    )


@transaction.atomic
@freshness.bulk()
def archive_generate(**options) -> dict[str, int]:
    """Add a synthetic archive (see `_generate`), indexing it for search in one pass.

    bulk_create sends no signals, so the index is written here: on SQLite the search
    triggers are set aside while the rows are written and the documents of the rows
    added are written once at the end (a million rows marked one trigger at a time take
    long; the rows already there keep theirs); on PostgreSQL the triggers mark the rows
    and `catch_up` indexes them.
    """
    # The statement totals (articles/tallies.py) are recounted once at the end rather than
    # kept row by row: the transaction holds both, so no reader sees them apart.
    progress = options.get("progress") or (lambda message: None)
    tallies.uninstall(using=connection.alias)
    try:
        return _generate_indexed(**options)
    finally:
        progress("recounting the statement totals")
        tallies.rebuild(using=connection.alias)
        # Fresh planner statistics, the totals and the search index included: without
        # them PostgreSQL guesses a thousand rows where a million were just written and
        # picks plans that take seconds (docs/benchmarks.md).
        progress("refreshing the planner's statistics")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def archive_vacuum(progress: Callable[[str], None] | None = None) -> bool:
    """After `archive_generate` has committed, on PostgreSQL: VACUUM (ANALYZE), which marks
    the new rows' pages all-visible, so index-only scans stop visiting the table (page
    20,000 of the statements: 380 → 38 ms at a million). It cannot run inside a
    transaction: there (tests, a caller's `atomic`) it is left to autovacuum, and
    the ANALYZE of `archive_generate` stands. True when it ran."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    if progress is not None:
        progress("vacuuming, so PostgreSQL reads its indexes without the rows")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return True


def _generate_indexed(**options) -> dict[str, int]:
    progress = options.get("progress") or (lambda message: None)

    def indexing(kind: str, done: int, total: int) -> None:
        """The search index's progress as the bar's "N of M" lines, kind after kind."""
        progress(f"search index, {kind}s: {done} of {total}")

    if connection.vendor != "sqlite":
        counts = _generate(**options)
        index.catch_up(connection.alias, progress=indexing)
        return counts
    # The rows are added with the triggers set aside; then the documents of the rows
    # added, and only those: every row it adds refers only to rows it added.
    before = _last_ids()
    documents.sqlite_drop_triggers(connection)
    try:
        return _generate(**options)
    finally:
        documents.sqlite_ensure_triggers(connection)
        index.rebuild(connection.alias, progress=indexing, after=before)


def _last_ids() -> dict[str, int]:
    """The largest id of each indexed kind's table (0 when empty)."""
    last = {}
    with connection.cursor() as cursor:
        for kind, (table, *_) in documents.DOCUMENTS.items():
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            last[kind] = cursor.fetchone()[0]
    return last


def _generate(
    *,
    statements: int,
    seed: int = 1,
    statements_per_article: int = 10,
    draft_share: float = 0.05,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    rng = random.Random(seed)
    # Mentions draw from a stream of their own, so adding them left every other row of a
    # seed as it was (the benchmarks name the samples of `--seed 7`).
    mention_rng = random.Random(f"{seed}-mentions")
    # Event kinds too, so the ACLED/CAMEO kinds left the other rows of a seed as they were.
    kind_rng = random.Random(f"{seed}-event-kinds")
    prefix = f"gen{seed}"
    if Actor.objects.filter(slug__startswith=f"{prefix}-").exists():
        raise ValueError(f"An archive with seed {seed} is already here; use another --seed.")
    n_articles = max(1, -(-statements // statements_per_article))
    n_actors = max(20, statements // 200)
    n_events = max(5, n_articles // 5)
    start = datetime.date(2023, 10, 7)

    def status() -> str:
        return PublicationStatus.DRAFT if rng.random() < draft_share else "published"

    actors = Actor.objects.bulk_create(
        [
            Actor(
                name=f"Synthetic actor {seed}-{i}",
                slug=f"{prefix}-actor-{i}",
                kind=rng.choice(KINDS),
                description=_sentence(rng),
            )
            for i in range(n_actors)
        ],
        batch_size=BATCH,
    )
    organisations = [a for a in actors if a.kind != Actor.Kind.PERSON] or actors
    Role.objects.bulk_create(
        [
            Role(
                person=a,
                organisation=rng.choice(organisations),
                title=rng.choice(["Minister", "Spokesperson", "Envoy", "Commander"]),
                start_date=datetime.date(2020, 1, 1),
            )
            for a in actors
            if a.kind == Actor.Kind.PERSON
        ],
        batch_size=BATCH,
    )
    outlets = Outlet.objects.bulk_create(
        [
            Outlet(name=f"Synthetic outlet {seed}-{i}", slug=f"{prefix}-outlet-{i}")
            for i in range(max(3, n_articles // 1000))
        ]
    )
    places = Place.objects.bulk_create(
        [Place(name=f"Synthetic place {seed}-{i}", slug=f"{prefix}-place-{i}") for i in range(50)]
    )
    events = [_event(i, rng, kind_rng, prefix, start, places, status) for i in range(n_events)]
    for event in events:
        event.published_at = _published_at(event.start_date, event.is_public)
    events = Event.objects.bulk_create(events, batch_size=BATCH)
    made = 0
    for first in range(0, n_articles, BATCH // statements_per_article or 1):
        block = range(first, min(n_articles, first + (BATCH // statements_per_article or 1)))
        texts, articles = {}, []
        for i in block:
            sentences = [
                _sentence(rng) for _ in range(min(statements_per_article, statements - made))
            ]
            made += len(sentences)
            texts[i] = sentences
            day = start + datetime.timedelta(days=rng.randint(0, 400))
            articles.append(
                Article(
                    title=f"Synthetic report {i}: {sentences[0][:60] if sentences else ''}",
                    slug=f"{prefix}-article-{i}",
                    outlet=rng.choice(outlets),
                    url=f"https://synthetic.example.org/{prefix}/{i}",
                    published_on=day,
                    body=" ".join(f"“{s}” said an official." for s in sentences),
                    status=(article_status := status()),
                    published_at=_published_at(day, article_status == "published"),
                )
            )
        articles = Article.objects.bulk_create(articles)
        rows, about = [], []
        for i, article in zip(block, articles, strict=True):
            body = quotes.Body(article.body)
            for sentence in texts[i]:
                passage_start, passage_end = body.find(sentence) or (None, None)
                # Drawn in this order, so a seed gives the archive it always gave.
                speaker = rng.choice(actors)
                channel = rng.choice(Statement.Channel.values)
                about.append(rng.choice(events) if rng.random() < 0.3 else None)
                rows.append(
                    Statement(
                        article=article,
                        speaker=speaker,
                        text=sentence,
                        kind=Statement.Kind.QUOTE,
                        channel=channel,
                        said_on=article.published_on,
                        status=(statement_status := status()),
                        is_public=(
                            public := statement_status == PublicationStatus.PUBLISHED
                            and article.status == PublicationStatus.PUBLISHED
                        ),
                        published_at=_published_at(article.published_on, public),
                        passage_start=passage_start,
                        passage_end=passage_end,
                    )
                )
        Statement.objects.bulk_create(rows, batch_size=BATCH)
        StatementEvent.objects.bulk_create(
            (
                StatementEvent(statement=statement, event=event)
                for statement, event in zip(rows, about, strict=True)
                if event is not None
            ),
            batch_size=BATCH,
        )
        # As in real reporting, most statements name someone besides their speaker.
        Statement.mentioned_actors.through.objects.bulk_create(
            [
                Statement.mentioned_actors.through(statement_id=row.pk, actor_id=actor.pk)
                for row in rows
                for actor in mention_rng.sample(actors, mention_rng.choice(MENTIONS))
                if actor.pk != row.speaker_id
            ],
            batch_size=BATCH,
        )
        if progress:
            progress(f"statements: {made} of {statements}")
    return {
        "actors": len(actors),
        "outlets": len(outlets),
        "places": len(places),
        "events": len(events),
        "articles": n_articles,
        "statements": made,
    }
