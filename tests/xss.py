"""An archive whose every text an editor writes is a script payload, and the public
URLs that show it: what the escaping tests load, in Django's client and in Chromium."""

import datetime

from articles.models import Correction, EventParticipant

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

XSS = "<img src=x onerror=window.__xss=1>"
BREAKOUT = "</script><script>window.__xss=1</script>"
# A URL that URLValidator accepts (no space), written to break out of an href="…".
XSS_URL = 'https://example.org/"><img/src=x/onerror=window.__xss=1>'


def xss(field: str) -> str:
    """The payload of one field, named so a page showing it can be told apart."""
    return f"{field} {XSS} {BREAKOUT}"


def xss_archive() -> dict:
    """Published records whose every text an editor writes is a payload: `xss(field)`.

    The quote is in the article's body, so the article page marks its passage up.
    Returns the records by name.
    """
    outlet = OutletFactory(
        name=xss("outlet name"), description=xss("outlet description"), url=XSS_URL + "outlet"
    )
    place = PlaceFactory(name=xss("place name"))
    organisation = OrganisationFactory(name=xss("organisation name"))
    speaker = ActorFactory(
        name=xss("actor name"), description=xss("actor description"), parent=organisation
    )
    AliasFactory(actor=speaker, name=xss("alias name"))
    RoleFactory(person=speaker, organisation=organisation, title=xss("role title"))
    quote = xss("statement text")
    article = ArticleFactory(
        outlet=outlet,
        title=xss("article title"),
        byline=xss("article byline"),
        summary=xss("article summary"),
        body=f"{xss('article body')}\n\nThe minister said: “{quote}” Then left.",
        url=XSS_URL + "article",
        archive_url=XSS_URL + "archive",
    )
    event = EventFactory(
        title=xss("event title"),
        description=xss("event description"),
        place=place,
        start_date=datetime.date(2023, 10, 30),
    )
    event.articles.add(article)
    EventParticipantFactory(event=event, actor=speaker, role=EventParticipant.Role.INITIATOR)
    statement = StatementFactory(
        article=article,
        speaker=speaker,
        on_behalf_of=organisation,
        text=quote,
        translation=xss("statement translation"),
        source_url=XSS_URL + "statement",
        event=event,
    )
    statement.mentioned_actors.add(organisation)
    article.mentioned_actors.add(speaker)
    for record in (article, statement, event, speaker):
        field = Correction.FIELD_FOR_MODEL[record._meta.label]
        Correction.objects.create(
            **{field: record},
            note=xss(f"{field} correction note"),
            changed_fields="text",  # field names, written by the admin
        )
    return {
        "outlet": outlet,
        "place": place,
        "organisation": organisation,
        "speaker": speaker,
        "article": article,
        "event": event,
        "statement": statement,
    }


# The editor-writable fields xss_archive() fills (URL fields hold XSS_URL).
FIELDS = [
    "outlet name", "outlet description", "place name", "organisation name", "actor name",
    "actor description", "alias name", "role title", "article title", "article byline",
    "article summary", "article body", "event title", "event description",
    "statement text", "statement translation",
    *(f"{field} correction note" for field in ("article", "statement", "event", "actor")),
]  # fmt: skip
URL_FIELDS = ["outlet", "article", "archive", "statement"]
# Words that find every record of the archive. Not the payloads' words: PostgreSQL's
# parser reads `<img …>` as a tag and leaves it out of the index.
ANY_RECORD = "name+or+statement+or+article+or+event"


def html_pages(records: dict) -> list[str]:
    """Every public HTML page that shows the records' texts."""
    speaker, organisation = records["speaker"], records["organisation"]
    return [
        "/",
        "/statements/",
        f"/statements/?speaker={speaker.slug}&outlet={records['outlet'].slug}",
        "/statements/?q=minister",
        records["statement"].get_absolute_url(),
        "/articles/",
        f"/articles/?actor={speaker.slug}",
        records["article"].get_absolute_url(),
        "/events/",
        f"/events/?place={records['place'].slug}&actor={speaker.slug}",
        records["event"].get_absolute_url(),
        "/actors/",
        "/actors/?q=name",
        speaker.get_absolute_url(),
        organisation.get_absolute_url(),
        records["outlet"].get_absolute_url(),
        records["place"].get_absolute_url(),
        "/dates/2023/",
        "/dates/2023/10/",
        "/dates/2023/10/30/",
        f"/search/?q={ANY_RECORD}",
        *(
            f"/search/?q={ANY_RECORD}&type={kind}"
            for kind in ("statements", "actors", "articles", "events")
        ),
        f"/search/?q=minister&actor={speaker.slug}",
    ]


def feeds(records: dict) -> list[str]:
    """Every Atom feed that carries the records' texts."""
    return [
        "/feeds/statements/",
        f"/actors/{records['speaker'].slug}/feed/",
        *(f"/{kind}/?format=atom" for kind in ("statements", "articles", "events", "actors")),
    ]
