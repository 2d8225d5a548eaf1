"""Bases of the archive's admin classes: bad ids in URLs answer 404 or are ignored;
the public correction notes the edit forms ask for are recorded."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from ..services import correction_record


class ArchiveModelAdmin(admin.ModelAdmin):
    """Prefilling an add form from GET (`?article=12&speaker=3`) ignores malformed ids.

    Django's autocomplete widgets fail with a server error on an initial id that is
    not a number; the "Create a statement" suggestion links rely on this prefill.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # not a model field: Django ignores it too
                continue
            if not field.is_relation or not isinstance(
                field.related_model._meta.pk, models.AutoField | models.BigAutoField
            ):
                continue
            if field.many_to_many:
                initial[name] = [value for value in initial[name] if str(value).isdigit()]
            elif not str(initial[name]).isdigit():
                del initial[name]
        return initial


class ArchiveHistoryAdmin(ArchiveModelAdmin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin that answers 404, not 500, to malformed ids in history URLs."""

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class CorrectionsMixin:
    """Records the public correction note that the form asked for."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._record_correction(request, obj, form)

    def _record_correction(self, request, obj, form):
        note = form.cleaned_data.get("correction_note", "").strip()
        corrected = getattr(form, "corrected_fields", [])
        if corrected and note:
            correction_record(record=obj, note=note, changed_fields=corrected, editor=request.user)
