from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

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


class MergeIntoForm(forms.Form):
    """On the page that refuses to delete an actor others point to: the one to merge into."""

    def __init__(self, *args, admin_site, drop: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"] = forms.ModelChoiceField(
            queryset=Actor.objects.exclude(pk=drop.pk),
            label="Merge into",
            help_text="The actor to keep. Everything that points to this one moves there, "
            "and this one's name becomes an alias of it. You see what moves before "
            "anything does.",
            # The admin's actor search; the `parent` field names the actor autocomplete.
            widget=AutocompleteSelect(Actor._meta.get_field("parent"), admin_site),
        )


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

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/merge-into/",
                self.admin_site.admin_view(self.merge_into_view),
                name=f"{opts.app_label}_{opts.model_name}_merge_into",
            ),
            *super().get_urls(),
        ]

    def delete_view(self, request, object_id, extra_context=None):
        """Django refuses to delete an actor that statements or events point to; the page
        says why and offers to merge it into another actor instead (a duplicate's fate)."""
        extra_context = extra_context or {}
        actor = self.get_object(request, object_id) if str(object_id).isdigit() else None
        if actor is not None and self.has_change_permission(request, actor):
            extra_context["merge_form"] = MergeIntoForm(admin_site=self.admin_site, drop=actor)
            extra_context["merge_into_url"] = reverse(
                "admin:actors_actor_merge_into", args=[actor.pk]
            )
        return super().delete_view(request, object_id, extra_context)

    def merge_into_view(self, request, object_id):
        """The merge confirmation for this actor and the one chosen to keep."""
        drop = self.get_object(request, object_id) if str(object_id).isdigit() else None
        if drop is None:
            messages.error(request, "That actor does not exist.")
            return HttpResponseRedirect(reverse("admin:actors_actor_changelist"))
        if not self.has_change_permission(request, drop):
            raise PermissionDenied
        form = MergeIntoForm(request.GET, admin_site=self.admin_site, drop=drop)
        if not form.is_valid():
            messages.error(request, "Choose the actor to merge into: nothing was merged.")
            return HttpResponseRedirect(reverse("admin:actors_actor_delete", args=[drop.pk]))
        keep = form.cleaned_data["into"]
        return self._merge_confirmation(request, sorted([keep, drop], key=lambda a: a.pk), keep)

    def _merge_confirmation(self, request, actors, keep):
        drop = actors[1] if keep is actors[0] else actors[0]
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate actors",
            "opts": self.model._meta,
            "actors": actors,
            "plan": actor_merge_plan(keep=keep, drop=drop),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/actors/actor/merge_confirmation.html", context)

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
        return self._merge_confirmation(request, actors, keep)


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
