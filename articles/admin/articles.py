from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.forms import Textarea
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from actors.models import Actor

from ..models import (
    Article,
    Correction,
    Event,
    EventParticipant,
    Outlet,
    Place,
    PublicationStatus,
    Statement,
    StatementEvent,
)
from ..services import (
    article_mention_add,
    article_quote_record,
    records_publish,
    records_unpublish,
    statement_event_link,
)
from .base import ArchiveHistoryAdmin, CorrectionsMixin
from .forms import (
    ArticleAdminForm,
    EventAdminForm,
    StatementAdminForm,
    StatementEventForm,
    StatementInlineForm,
)
from .locking import LockedInlineMixin, LockedTabularInline, OptimisticLockingMixin
from .names import urls as create_actor_urls
from .prefill import event_from_article
from .suggestions import (
    actor_suggestions,
    event_link_suggestions,
    known_names,
    name_proposals,
    quote_suggestions,
)

# What an editor needs to edit a statement's events under it on the article's page.
EVENT_LINK_PERMISSIONS = [
    "articles.add_statementevent",
    "articles.change_statementevent",
    "articles.delete_statementevent",
]


class PublicationActionsMixin:
    """Bulk publish and unpublish, recorded in the history with the editor's name."""

    actions = ["publish_selected", "unpublish_selected"]

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish_selected(self, request, queryset):
        count = records_publish(records=queryset, user=request.user)
        self.message_user(
            request,
            f"Published {count} {self._plural(count)}.",
            messages.SUCCESS,
        )
        if self.model is Statement:
            hidden = queryset.filter(status=PublicationStatus.PUBLISHED).exclude(
                article__status=PublicationStatus.PUBLISHED
            )
            if hidden_count := hidden.count():
                self.message_user(
                    request,
                    f"{hidden_count} of the selected statements stay hidden from readers "
                    "until their article is published.",
                    messages.WARNING,
                )

    @admin.action(
        description="Unpublish selected %(verbose_name_plural)s (back to draft)",
        permissions=["change"],
    )
    def unpublish_selected(self, request, queryset):
        count = records_unpublish(records=queryset, user=request.user)
        self.message_user(
            request, f"Returned {count} {self._plural(count)} to draft.", messages.SUCCESS
        )

    def _plural(self, count):
        opts = self.model._meta
        return opts.verbose_name if count == 1 else opts.verbose_name_plural


def _return_url(request) -> str | None:
    """The page a prefilled add form was opened from (`?next=`), if it is one of ours."""
    url = request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


class ReturnToMixin:
    """A form opened from the article's page (`?next=<its URL>`) goes back there on "Save".

    "Save and continue editing" and "Save and add another" keep Django's behaviour, and
    so does a `next` that is not a path of this site (Django's own check).
    """

    def _back(self, request, response):
        url = _return_url(request)
        if url and not ({"_continue", "_addanother", "_saveasnew"} & set(request.POST)):
            return HttpResponseRedirect(url)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return response if "_popup" in request.POST else self._back(request, response)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return response if "_popup" in request.POST else self._back(request, response)


def _id(value: str) -> int | None:
    """A primary key from a form or URL parameter, or None: digits only, within a bigint
    (a longer number would be a database error, not a "no such record")."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _wants_json(request) -> bool:
    """A click on the article page's suggestions, sent by admin_suggestions.js."""
    return request.headers.get("X-Requested-With") == "fetch"


@admin.register(Outlet)
class OutletAdmin(OptimisticLockingMixin, ArchiveHistoryAdmin):
    list_display = ["name", "url", "country"]
    list_filter = ["country"]
    search_fields = ["name", "slug", "url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(OptimisticLockingMixin, ArchiveHistoryAdmin):
    list_display = ["name", "kind", "parent", "latitude", "longitude"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class StatementInline(LockedInlineMixin, admin.StackedInline):
    model = Statement
    form = StatementInlineForm
    # Django's stacked inline, with each statement's events in rows under its fields.
    template = "admin/articles/article/statement_inline.html"
    extra = 0
    autocomplete_fields = ["speaker", "on_behalf_of", "mentioned_actors", "primary_source_issuer"]
    # Compact: who, what and which kind at once; the rest folded under "More about this
    # statement", which opens by itself on an error inside it.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("speaker", "kind", "status"),
                    "text",
                    "anchor",
                    "correction_note",
                    "opened_version",
                ]
            },
        ),
        (
            "More about this statement",
            {
                "classes": ["collapse"],
                "fields": [
                    ("on_behalf_of", "channel", "said_on", "language"),
                    "translation",
                    ("verification", "source_url", "primary_source_issuer"),
                    "primary_text",
                    "mentioned_actors",
                ],
            },
        ),
    ]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 80})}}
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Without the rights on links, an editor sees a statement's events, read only.
        formset.form.may_edit_events = request.user.has_perms(EVENT_LINK_PERMISSIONS)
        return formset

    def get_queryset(self, request):
        # Each statement's event rows, with their events, in one query for the page.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("event_links", queryset=StatementEvent.objects.select_related("event"))
            )
        )


@admin.register(Article)
class ArticleAdmin(
    OptimisticLockingMixin, PublicationActionsMixin, CorrectionsMixin, ArchiveHistoryAdmin
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["title", "outlet", "published_on", "language", "status"]
    list_filter = ["status", "language", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["title", "url", "byline", "outlet__name"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["outlet", "mentioned_actors"]
    readonly_fields = ["body_sha256", "created_at", "updated_at"]
    inlines = [StatementInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "outlet",
                    "published_on",
                    "byline",
                    "status",
                    "opened_version",
                ]
            },
        ),
        ("Source", {"fields": ["url", "archive_url", "language", "retrieved_at", "body_sha256"]}),
        ("Text", {"fields": ["summary", "body", "correction_note"]}),
        ("Annotation", {"fields": ["mentioned_actors"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/mention/",
                self.admin_site.admin_view(self.add_mention_view),
                name=f"{opts.app_label}_{opts.model_name}_add_mention",
            ),
            path(
                "<path:object_id>/link-events/",
                self.admin_site.admin_view(self.link_events_view),
                name=f"{opts.app_label}_{opts.model_name}_link_events",
            ),
            *create_actor_urls(self),
            path(
                "<path:object_id>/record-quote/",
                self.admin_site.admin_view(self.record_quote_view),
                name=f"{opts.app_label}_{opts.model_name}_record_quote",
            ),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        # Provenance: a new article's text is usually retrieved as it is entered.
        return {"retrieved_at": timezone.now(), **super().get_changeform_initial_data(request)}

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Statement:
            for inline_form in formset.forms:
                if inline_form.instance.pk and "correction_note" in inline_form.cleaned_data:
                    self._record_correction(request, inline_form.instance, inline_form)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context.update(self._suggestions(article))
        return super().change_view(request, object_id, form_url, extra_context)

    def _suggestions(self, article):
        names = known_names()
        linked = set(article.mentioned_actors.values_list("pk", flat=True))
        recorded = list(article.statements.values_list("text", flat=True))
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        add_statement = reverse("admin:articles_statement_add")
        quotes = []
        for suggestion in quote_suggestions(article.body, recorded=recorded, names=names):
            query = {
                "article": article.pk,
                **({"speaker": suggestion.speaker.pk} if suggestion.speaker else {}),
                "text": suggestion.text,
                "kind": Statement.Kind.QUOTE,
                "next": change_url,
            }
            quotes.append((suggestion, f"{add_statement}?{urlencode(query)}"))
        add_event = reverse("admin:articles_event_add")
        add_event_query = urlencode({**event_from_article(article), "next": change_url})
        return {
            "actor_suggestions": actor_suggestions(article.body, exclude_ids=linked, names=names),
            "quote_suggestions": quotes,
            "name_proposals": name_proposals(article.body, names=names),
            "add_mention_url": reverse("admin:articles_article_add_mention", args=[article.pk]),
            "record_quote_url": reverse("admin:articles_article_record_quote", args=[article.pk]),
            "add_event_url": f"{add_event}?{add_event_query}",
            "event_link_suggestions": event_link_suggestions(article),
            "link_events_url": reverse("admin:articles_article_link_events", args=[article.pk]),
            "stance_choices": StatementEvent.Stance.choices,
        }

    def _answer(self, request, article, level, message, **data):
        """The outcome of a click on a suggestion: as JSON with the suggestions drawn
        again for the page's script, or as a message on the reloaded page without it."""
        if not _wants_json(request):
            messages.add_message(request, level, message)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self._suggestions(article),
            "has_change_permission": self.has_change_permission(request, article),
            "original": article,
        }
        html = render_to_string("admin/articles/article/suggestions.html", context, request=request)
        tag = messages.DEFAULT_TAGS[level]
        return JsonResponse({"level": tag, "message": message, "html": html, **data})

    @staticmethod
    def _page_is_current(request, article) -> bool:
        """The editor's page showed the article's current version before this click.

        A click that bumps the version (a mention) hands the new one to such a page, so
        its next save is not taken for someone else's; a page already out of date is not
        told, and its save gets the conflict message as before.
        """
        return request.POST.get("opened_version") == str(article.version)

    def add_mention_view(self, request, object_id):
        """One click on a suggestion: link the actor to the article as mentioned."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None:
            messages.error(request, "That article does not exist.")
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        actor_id = _id(request.POST.get("actor", ""))
        actor = Actor.objects.filter(pk=actor_id).first() if actor_id is not None else None
        if actor is None:
            return self._answer(
                request, article, messages.ERROR, "No such actor: nothing was added."
            )
        page_is_current = self._page_is_current(request, article)
        if not article_mention_add(article=article, actor=actor):
            return self._answer(
                request,
                article,
                messages.INFO,
                f"{actor.name} was already among the actors mentioned.",
            )
        return self._answer(
            request,
            article,
            messages.SUCCESS,
            f"Added {actor.name} to the actors mentioned.",
            mentioned={"id": actor.pk, "name": actor.name},
            version=article.version if page_is_current else None,
        )

    def record_quote_view(self, request, object_id):
        """One click on a quoted passage: a draft quote by the suggested speaker."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None:
            messages.error(request, "That article does not exist.")
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        if not (
            self.has_change_permission(request, article)
            and request.user.has_perm("articles.add_statement")
        ):
            raise PermissionDenied
        speaker_id = _id(request.POST.get("speaker", ""))
        speaker = Actor.objects.filter(pk=speaker_id).first() if speaker_id is not None else None
        text = request.POST.get("text", "")
        if speaker is None or not text.strip():
            return self._answer(
                request,
                article,
                messages.ERROR,
                "No such speaker or no text: nothing was recorded.",
            )
        try:
            statement = article_quote_record(article=article, speaker=speaker, text=text)
        except ValidationError as error:
            return self._answer(
                request,
                article,
                messages.ERROR,
                "Not recorded: " + " ".join(error.messages),
            )
        return self._answer(
            request,
            article,
            messages.SUCCESS,
            f"Recorded the quote of {speaker.name} as statement #{statement.pk}, a draft, "
            f"said on {statement.said_on:%-d %B %Y} (the article's date). "
            "It is listed under Statements when the page is next loaded.",
            statement={
                "id": statement.pk,
                "url": reverse("admin:articles_statement_change", args=[statement.pk]),
            },
        )

    def link_events_view(self, request, object_id):
        """Accept the checked event suggestions: link each statement with the chosen stance.

        The form sends `link` = "<statement id>:<event id>" for each checked suggestion
        and `stance-<statement id>-<event id>` for its stance.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, object_id)
        if article is None:
            messages.error(request, "That article does not exist.")
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        if not (
            self.has_change_permission(request, article)
            and request.user.has_perm("articles.add_statementevent")
        ):
            raise PermissionDenied
        pairs = []
        for value in request.POST.getlist("link"):
            statement_id, _, event_id = (_id(part) for part in value.partition(":"))
            if statement_id is not None and event_id is not None:
                pairs.append((statement_id, event_id))
        if not pairs:
            return self._answer(
                request, article, messages.WARNING, "No suggestion was checked: nothing was linked."
            )
        statements = article.statements.select_related("speaker").in_bulk(
            [statement_id for statement_id, _ in pairs]
        )
        events = Event.objects.in_bulk([event_id for _, event_id in pairs])
        stances = set(StatementEvent.Stance.values)
        linked, refused = [], []
        # Each linked statement's version before and after, for the page's inline rows.
        versions = {pk: [statement.version] * 2 for pk, statement in statements.items()}
        for statement_id, event_id in pairs:
            statement, event = statements.get(statement_id), events.get(event_id)
            stance = request.POST.get(f"stance-{statement_id}-{event_id}", "")
            if statement is None or event is None or stance not in stances:
                refused.append(f"{statement_id}:{event_id}")
                continue
            if statement_event_link(statement=statement, event=event, stance=stance):
                label = StatementEvent.Stance(stance).label.lower()
                linked.append(f"{statement.speaker.name} {label} “{event.title}”")
                versions[statement.pk][1] = statement.version
        done = ("Linked: " + "; ".join(linked) + ". ") if linked else ""
        moved = [
            {"id": pk, "from": before, "version": after}
            for pk, (before, after) in versions.items()
            if after != before
        ]
        if refused:
            return self._answer(
                request,
                article,
                messages.ERROR,
                done + "Some suggestions were not linked: the statement is not this article's, "
                "the event no longer exists, or the stance is unknown. Check the list again.",
                statements=moved,
            )
        if linked:
            return self._answer(
                request,
                article,
                messages.SUCCESS,
                "Linked: " + "; ".join(linked) + ".",
                statements=moved,
            )
        return self._answer(
            request, article, messages.INFO, "Those statements were already linked to those events."
        )


class StatementEventInline(admin.TabularInline):
    model = StatementEvent
    form = StatementEventForm  # the figure rules' errors on their fields
    extra = 1
    autocomplete_fields = ["event"]
    fields = ["event", "stance", "figure_kind", "claimed_figure", "claimed_figure_max", "note"]


@admin.register(Statement)
class StatementAdmin(
    ReturnToMixin,
    OptimisticLockingMixin,
    PublicationActionsMixin,
    CorrectionsMixin,
    ArchiveHistoryAdmin,
):
    form = StatementAdminForm
    inlines = [StatementEventInline]
    list_display = [
        "short_text",
        "speaker",
        "kind",
        "channel",
        "said_on",
        "verification",
        "status",
        "article",
    ]
    list_filter = ["verification", "status", "kind", "channel", "language"]
    # The filters show their counts: how many statements are still "as reported".
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["speaker", "article"]
    search_fields = ["text", "translation", "speaker__name", "article__title"]
    date_hierarchy = "said_on"
    autocomplete_fields = [
        "article",
        "speaker",
        "on_behalf_of",
        "mentioned_actors",
        "primary_source_issuer",
    ]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        ("article", "opened_version"),
        ("speaker", "on_behalf_of"),
        "text",
        "anchor",
        "correction_note",
        ("kind", "channel", "said_on", "language", "status"),
        "translation",
        ("verification", "source_url", "primary_source_issuer"),
        "primary_text",
        "mentioned_actors",
        ("created_at", "updated_at"),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "said_on_defaulted", False):
            self.message_user(
                request,
                f"“Said on” was left empty: it is the article's date, {obj.said_on:%-d %B %Y}.",
                messages.INFO,
            )

    @admin.display(description="Text", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"


def _prefilled_participants(request) -> list[int]:
    """The actors `?participants=3,5` names for a new event (from its article's page)."""
    if request.method != "GET":
        return []
    ids = [_id(part) for part in request.GET.get("participants", "").split(",")[:50]]
    ids = list(dict.fromkeys(pk for pk in ids if pk is not None))  # in order, once each
    found = set(Actor.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return [pk for pk in ids if pk in found]


class ParticipantInline(LockedTabularInline):
    model = EventParticipant
    extra = 1
    autocomplete_fields = ["actor"]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return max(1, len(_prefilled_participants(request)))
        return self.extra


@admin.register(Event)
class EventAdmin(
    ReturnToMixin,
    OptimisticLockingMixin,
    PublicationActionsMixin,
    CorrectionsMixin,
    ArchiveHistoryAdmin,
):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "cameo_code",
        "start_date",
        "end_date",
        "ongoing",
        "date_precision",
        "place",
        "status",
    ]
    list_filter = ["status", "kind", "ongoing", "date_precision"]
    list_select_related = ["place"]
    search_fields = ["title", "description", "place__name"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["place", "articles"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ParticipantInline]
    fields = [
        ("title", "opened_version"),
        "slug",
        ("kind", "cameo_code"),
        ("start_date", "date_precision"),
        ("end_date", "end_date_precision", "ongoing"),
        "place",
        "description",
        "correction_note",
        "fatalities",
        "articles",
        "status",
        ("created_at", "updated_at"),
    ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ParticipantInline) and obj is not None and obj.pk is None:
            # Only on the GET: posted rows are new data, so Django saves them.
            if participants := _prefilled_participants(request):
                kwargs["initial"] = [{"actor": pk} for pk in participants]
        return kwargs


@admin.register(EventParticipant)
class EventParticipantAdmin(OptimisticLockingMixin, ArchiveHistoryAdmin):
    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    list_select_related = ["event", "actor"]
    search_fields = ["event__title", "actor__name"]
    autocomplete_fields = ["event", "actor"]


@admin.register(Correction)
class CorrectionAdmin(OptimisticLockingMixin, ArchiveHistoryAdmin):
    """Corrections are recorded by the edit forms; here an editor can fix a note's wording."""

    list_display = ["created_at", "note", "record_link", "changed_fields", "editor"]
    list_select_related = ["article", "statement__speaker", "event", "actor", "editor"]
    search_fields = ["note"]
    date_hierarchy = "created_at"
    fields = ["note", "record_link", "changed_fields", "editor", "created_at", "opened_version"]
    readonly_fields = ["record_link", "changed_fields", "editor", "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Record")
    def record_link(self, obj):
        record = obj.record
        if record is None:
            return "—"
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return format_html('{}: <a href="{}">{}</a>', opts.verbose_name, url, record)
