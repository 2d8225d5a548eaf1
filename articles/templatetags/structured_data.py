"""schema.org JSON-LD and Open Graph tags for detail pages.

    {% load structured_data %}
    {% block head %}{% json_ld statement %}{% open_graph statement %}{% endblock %}

Built only from what the detail view's `for_detail()` queryset loaded (speaker, roles,
article, outlet, event, aliases, participants): these tags never query. Anything that
might not be public (a statement's event) is included only when it is published.
"""

import json

from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from actors.models import Actor
from articles.models import Article, Event, Statement

register = template.Library()

# The characters that could end a <script> element or start a comment in it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
CONTEXT = "https://schema.org"


def _url(obj) -> str:
    return settings.SITE_URL + obj.get_absolute_url()


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _clean(data: dict) -> dict:
    """Drop empty values so the markup states only what the archive knows."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def actor_data(actor: Actor, *, role=None, full: bool = False) -> dict:
    data = {
        "@type": "Person" if actor.is_person else "Organization",
        "name": actor.name,
        "url": _url(actor),
    }
    if role is not None:
        data["jobTitle"] = role.title
        if role.organisation_id:
            data["affiliation"] = _clean({"@type": "Organization", "name": role.organisation.name})
    if full:
        data.update(
            alternateName=[alias.name for alias in actor.aliases.all()],
            description=actor.description,
            sameAs=(
                f"https://www.wikidata.org/wiki/{actor.wikidata_id}" if actor.wikidata_id else None
            ),
            nationality=actor.country if actor.is_person else None,
        )
        if actor.parent_id:
            data["parentOrganization" if not actor.is_person else "memberOf"] = {
                "@type": "Organization",
                "name": actor.parent.name,
                "url": _url(actor.parent),
            }
    return _clean(data)


def article_data(article: Article) -> dict:
    return _clean(
        {
            "@type": "NewsArticle",
            "headline": article.title,
            "url": article.url,
            "mainEntityOfPage": _url(article),
            "archivedAt": article.archive_url,
            "datePublished": _date(article.published_on),
            "inLanguage": article.language,
            "author": {"@type": "Person", "name": article.byline} if article.byline else None,
            "publisher": _clean(
                {"@type": "Organization", "name": article.outlet.name, "url": article.outlet.url}
            ),
        }
    )


def statement_data(statement: Statement) -> dict:
    role = statement.speaker_role()
    speaker = actor_data(statement.speaker, role=role)
    data = {
        "@type": "Quotation",
        "url": _url(statement),
        "text": statement.text,
        "inLanguage": statement.language,
        "dateCreated": _date(statement.said_on),
        "spokenByCharacter": speaker,
        "creator": actor_data(statement.on_behalf_of) if statement.on_behalf_of_id else speaker,
        "isBasedOn": article_data(statement.article),
        "citation": statement.source_url,
    }
    if statement.translation:
        data["workTranslation"] = {"@type": "CreativeWork", "text": statement.translation}
    event = statement.event
    if event is not None and event.is_public:
        data["recordedIn"] = {"@type": "Event", "name": event.title, "url": _url(event)}
    return _clean(data)


def event_data(event: Event) -> dict:
    place = event.place
    location = None
    if place is not None:
        location = {"@type": "Place", "name": place.name, "url": _url(place)}
        if place.latitude is not None:
            location["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(place.latitude),
                "longitude": float(place.longitude),
            }
    participations = list(event.participations.all())
    return _clean(
        {
            "@type": "Event",
            "name": event.title,
            "url": _url(event),
            "description": event.description,
            "startDate": _date(event.start_date),
            "endDate": _date(event.end_date),
            "location": location,
            "organizer": [
                actor_data(p.actor) for p in participations if p.role == p.Role.INITIATOR
            ],
            "attendee": [actor_data(p.actor) for p in participations if p.role != p.Role.INITIATOR],
        }
    )


def structured_data(obj) -> dict:
    if isinstance(obj, Statement):
        data = statement_data(obj)
    elif isinstance(obj, Article):
        data = article_data(obj)
        data["url"] = _url(obj)
        data["isBasedOn"] = obj.url
        data["mentions"] = [actor_data(actor) for actor in obj.mentioned_actors.all()]
        data = _clean(data)
    elif isinstance(obj, Event):
        data = event_data(obj)
    elif isinstance(obj, Actor):
        data = actor_data(obj, full=True)
    else:
        raise template.TemplateSyntaxError(f"No structured data for {type(obj).__name__}")
    return {"@context": CONTEXT, **data}


@register.simple_tag
def json_ld(obj) -> SafeString:
    """A `<script type="application/ld+json">` element describing `obj`."""
    text = json.dumps(structured_data(obj), ensure_ascii=False, indent=1)
    return mark_safe(
        '<script type="application/ld+json">' + text.translate(_SCRIPT_ESCAPES) + "</script>"
    )


def _og(obj) -> list[tuple[str, str]]:
    site = settings.SITE_NAME
    if isinstance(obj, Statement):
        role = obj.speaker_role()
        who = obj.speaker.name + (f", {role.title}" if role else "")
        return [
            ("og:type", "article"),
            ("og:title", f"{who}: “{Truncator(obj.text).chars(90)}”"),
            ("og:description", f"{obj.text} Source: {obj.article.title} ({obj.article.outlet})"),
            ("article:published_time", _date(obj.said_on)),
        ]
    if isinstance(obj, Article):
        return [
            ("og:type", "article"),
            ("og:title", obj.title),
            ("og:description", obj.summary or Truncator(obj.body).words(40)),
            ("article:published_time", _date(obj.published_on)),
        ]
    if isinstance(obj, Event):
        return [
            ("og:type", "website"),
            ("og:title", obj.title),
            ("og:description", obj.description or f"{obj.get_kind_display()} · {site}"),
        ]
    if isinstance(obj, Actor):
        return [
            ("og:type", "profile" if obj.is_person else "website"),
            ("og:title", obj.name),
            ("og:description", obj.description or f"{obj.get_kind_display()} · {site}"),
        ]
    raise template.TemplateSyntaxError(f"No Open Graph data for {type(obj).__name__}")


@register.simple_tag
def open_graph(obj) -> SafeString:
    """Open Graph `<meta property>` tags for sharing `obj`."""
    tags = [*_og(obj), ("og:url", _url(obj)), ("og:site_name", settings.SITE_NAME)]
    return format_html_join(
        "\n",
        '<meta property="{}" content="{}">',
        ((name, Truncator(value).chars(300)) for name, value in tags if value),
    )
