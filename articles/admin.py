from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Event, EventParticipant, Outlet, Place, Statement


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "country"]
    list_filter = ["country"]
    search_fields = ["name", "slug", "url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "latitude", "longitude"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class StatementInline(admin.StackedInline):
    model = Statement
    extra = 0
    autocomplete_fields = ["speaker", "on_behalf_of", "mentioned_actors", "event"]
    fields = [
        ("speaker", "on_behalf_of"),
        "text",
        ("kind", "channel", "said_on", "language", "status"),
        "translation",
        ("source_url", "event"),
        "mentioned_actors",
    ]
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
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
        (None, {"fields": ["title", "slug", "outlet", "published_on", "byline", "status"]}),
        ("Source", {"fields": ["url", "archive_url", "language", "retrieved_at", "body_sha256"]}),
        ("Text", {"fields": ["summary", "body"]}),
        ("Annotation", {"fields": ["mentioned_actors"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    list_display = ["short_text", "speaker", "kind", "channel", "said_on", "status", "article"]
    list_filter = ["status", "kind", "channel", "language"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text", "translation", "speaker__name", "article__title"]
    date_hierarchy = "said_on"
    autocomplete_fields = ["article", "speaker", "on_behalf_of", "mentioned_actors", "event"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="Text", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"


class ParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 1
    autocomplete_fields = ["actor"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "start_date", "end_date", "date_precision", "place", "status"]
    list_filter = ["status", "kind", "date_precision"]
    list_select_related = ["place"]
    search_fields = ["title", "description", "place__name"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["place", "articles"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ParticipantInline]


@admin.register(EventParticipant)
class EventParticipantAdmin(admin.ModelAdmin):
    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    list_select_related = ["event", "actor"]
    search_fields = ["event__title", "actor__name"]
    autocomplete_fields = ["event", "actor"]
