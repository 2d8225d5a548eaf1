"""What the "Create an event from this article" link fills in: the editor checks it.

The title is the article's headline, the date the article's date, the participants
the actors the article mentions, and the kind is guessed only when the headline names
it plainly ("meets", "phone call", "air strike"); otherwise the editor chooses.
"""

import re

from ..models import Article, Event

# Words of a headline that name an event's kind, in the order they are tried: the
# first found wins, so "talks after air strike" is a meeting, as reported.
KIND_WORDS: list[tuple[str, str]] = [
    (r"phone call|spoke by phone|phoned", Event.Kind.CALL),
    (r"meets?|meeting|met with|hold talks|held talks", Event.Kind.MEETING),
    (r"visits?|visited", Event.Kind.VISIT),
    (r"air ?strikes?|drone strikes?|airstrikes?", Event.Kind.AIR_STRIKE),
    (r"shelling|rockets?|missiles?", Event.Kind.SHELLING),
    (r"hostages?", Event.Kind.HOSTAGE),
    (r"ceasefire|truce|agreement|deal", Event.Kind.AGREEMENT),
    (r"protests?|demonstrat\w+", Event.Kind.PEACEFUL_PROTEST),
]


def guess_event_kind(headline: str) -> str:
    """The kind a headline names plainly, or "" to leave the choice to the editor."""
    for words, kind in KIND_WORDS:
        if re.search(rf"\b(?:{words})\b", headline, re.IGNORECASE):
            return kind
    return ""


def event_from_article(article: Article) -> dict[str, str]:
    """The GET parameters of the event add form, filled in from `article`."""
    query = {
        "title": article.title,
        "start_date": article.published_on.isoformat(),
        "articles": str(article.pk),
        "participants": ",".join(
            str(pk) for pk in article.mentioned_actors.order_by("name").values_list("pk", flat=True)
        ),
    }
    if kind := guess_event_kind(article.title):
        query["kind"] = kind
    return query
