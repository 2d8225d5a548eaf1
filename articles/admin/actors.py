from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse

from actors.models import Actor, Alias, Role

from ..services import actor_merge, actor_merge_plan
from .base import ArchiveHistoryAdmin, CorrectionsMixin
from .forms import CorrectionNoteForm
from .locking import LockedTabularInline, OptimisticLockingMixin, VersionedForm


class ActorAdminForm(VersionedForm, CorrectionNoteForm):
    # Actors have no draft state: their pages are always public.
    correction_fields = ("name", "description")


class AliasInline(LockedTabularInline):
    model = Alias
    extra = 1


class RoleInline(LockedTabularInline):
    model = Role
    fk_name = "person"
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = ["title", "organisation", "start_date", "end_date"]


@admin.register(Actor)
class ActorAdmin(OptimisticLockingMixin, CorrectionsMixin, ArchiveHistoryAdmin):
    form = ActorAdminForm
    list_display = ["name", "kind", "country", "parent", "wikidata_id", "statement_count"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    ordering = ["name", "pk"]
    search_fields = ["name", "slug", "aliases__name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [AliasInline, RoleInline]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["merge_actors"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "description",
                    "correction_note",
                    "country",
                    "parent",
                    "wikidata_id",
                    "opened_version",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_statement_count=Count("statements"))

    @admin.display(description="Statements", ordering="_statement_count")
    def statement_count(self, obj):
        return obj._statement_count

    @admin.action(description="Merge two duplicate actors…", permissions=["change"])
    def merge_actors(self, request, queryset):
        """Merge the duplicate into the actor kept, after a page listing what will move."""
        actors = list(queryset.order_by("pk")[:3])
        if len(actors) != 2:
            self.message_user(
                request,
                "Select exactly two actors to merge: the one to keep and its duplicate.",
                messages.ERROR,
            )
            return None
        keep_id = request.POST.get("keep", "")
        keep = next((a for a in actors if str(a.pk) == keep_id), actors[0])
        drop = actors[1] if keep is actors[0] else actors[0]
        if request.POST.get("confirm") == "yes":
            try:
                actor_merge(keep=keep, drop=drop, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged “{drop.name}” into “{keep.name}”; “{drop.name}” is now an alias.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate actors",
            "opts": self.model._meta,
            "actors": actors,
            "plan": actor_merge_plan(keep=keep, drop=drop),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/actors/actor/merge_confirmation.html", context)


@admin.register(Alias)
class AliasAdmin(OptimisticLockingMixin, ArchiveHistoryAdmin):
    list_display = ["name", "actor"]
    list_select_related = ["actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]


@admin.register(Role)
class RoleAdmin(OptimisticLockingMixin, ArchiveHistoryAdmin):
    list_display = ["person", "title", "organisation", "start_date", "end_date"]
    list_select_related = ["person", "organisation"]
    list_filter = [("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["title", "person__name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]
    date_hierarchy = "start_date"
