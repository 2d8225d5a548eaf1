from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from .models import Actor, Alias, Role


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class RoleInline(admin.TabularInline):
    model = Role
    fk_name = "person"
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = ["title", "organisation", "start_date", "end_date"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "parent", "wikidata_id", "statement_count"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    ordering = ["name", "pk"]
    search_fields = ["name", "slug", "aliases__name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [AliasInline, RoleInline]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_statement_count=Count("statements"))

    @admin.display(description="Statements", ordering="_statement_count")
    def statement_count(self, obj):
        return obj._statement_count


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["name", "actor"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "title", "organisation", "start_date", "end_date"]
    list_select_related = ["person", "organisation"]
    list_filter = [("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["title", "person__name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]
    date_hierarchy = "start_date"
