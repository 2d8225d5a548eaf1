"""No lost edits: optimistic locking for every record an editor changes in the admin.

Each locked model has a `version` that every save moves on (the admin, publishing, a
merge, an import). A form carries the version the editor opened in the hidden
`opened_version`; a save over a version saved meanwhile is refused with a message, the
editor's text kept in the form and the saved values shown where they differ from it.
The same form, admin mixin and inline mixin serve every model (see docs/decisions.md).
"""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.utils import timezone

# Long texts (an article's body) are shown cut to this many characters.
SHOWN_CHARACTERS = 600


class EditConflict(Exception):
    """The row changed between the form's check and the conditional UPDATE."""


def locked_update(obj: models.Model, expected: int | None) -> None:
    """Compare and increment the version in one conditional UPDATE, or raise EditConflict."""
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected).update(
        version=F("version") + 1
    )
    if not updated:
        raise EditConflict
    obj.version = expected + 1


def _shown(record: models.Model, name: str) -> str:
    """A field's saved value as an editor reads it: names, not ids; labels, not codes."""
    field = record._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(obj) for obj in getattr(record, name).all())
    value = getattr(record, name)
    if field.choices and value not in (None, ""):
        value = getattr(record, f"get_{name}_display")()
    elif isinstance(value, datetime.datetime):
        value = f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    text = "" if value is None else str(value)
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS] + "… (the History shows it whole)"
    return text


class VersionedForm(forms.ModelForm):
    """Optimistic locking: refuses to save over a version saved after the form was opened.

    The form carries the version the editor opened in a hidden field and compares it
    with the stored one. On a conflict the form is shown again with the editor's text, a
    message, and the saved value of each field where it differs from the form; its
    hidden version is moved to the current one, so saving again, after reading the
    message, replaces the other version on purpose. The admin then compares and
    increments the version in one conditional UPDATE (`OptimisticLockingMixin`).
    """

    # Set by the admin on the history "revert" page: compare with the current version.
    reverting = False
    # A main form is always checked, since the admin saves it even when unchanged; an
    # inline form only when changed, since unchanged inline rows are not saved.
    check_unchanged = True

    # The version the editor opened (named apart from the non-editable model field).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            version = self.instance.version
            if self.reverting:
                version = self._current()["version"]
            self.fields["opened_version"].initial = version

    def _current(self) -> dict:
        model = type(self.instance)
        names = ["version"]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            names.append("updated_at")
        current = model._default_manager.filter(pk=self.instance.pk).values(*names).first()
        return {"updated_at": None, **(current or {"version": 0})}

    def _saved_differences(self) -> list[str]:
        """One line per field whose saved value differs from what this form would save."""
        model = type(self.instance)
        saved = model._default_manager.filter(pk=self.instance.pk).first()
        if saved is None:
            return []
        own = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
        names = [
            name
            for name, field in self.fields.items()
            if name in own and not field.disabled and not field.widget.is_hidden
        ]
        initial = model_to_dict(saved, fields=names)
        lines = []
        for name in names:
            bound = self[name]
            if not self.fields[name].has_changed(initial.get(name), bound.data):
                continue
            value = _shown(saved, name)
            if value:
                lines.append(f"In the saved version, {bound.label} reads: “{value}”")
            else:
                lines.append(f"In the saved version, {bound.label} is empty.")
        return lines

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or not (self.check_unchanged or self.has_changed()):
            return cleaned_data
        expected = cleaned_data.get("opened_version")
        current = self._current()
        if expected != current["version"]:
            differences = self._saved_differences()
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = str(current["version"])
            who = ""
            history = getattr(self.instance, "history", None)
            latest = history.select_related("history_user").first() if history else None
            if latest is not None and latest.history_user is not None:
                who = f" by {latest.history_user.get_username()}"
            when = ""
            if current["updated_at"] is not None:
                when = f" at {timezone.localtime(current['updated_at']):%H:%M:%S on %d %B %Y}"
            name = self.instance._meta.verbose_name
            raise ValidationError(
                [
                    f"Someone else saved this {name} after you opened it{who}{when}. "
                    "Your changes have NOT been saved: they are still in the form below. "
                    f"Compare them with the saved version (the {name}'s History shows the "
                    "saved versions) and save again to replace that version with yours.",
                    *differences,
                ],
                code="edit_conflict",
            )
        return cleaned_data


class VersionedInlineForm(VersionedForm):
    """A row edited inline: checked when changed, since unchanged rows are not saved."""

    check_unchanged = False


class LockedInlineFormSet(BaseInlineFormSet):
    """The rows of a locked inline. A row removed by someone else since the page was
    opened is a conflict: saving the page would otherwise bring it back unnoticed or
    fail with Django's "Select a valid choice" on a hidden field."""

    rows_name = ""  # "aliases": the model's plural by default
    row_noun = "row"

    def clean(self):
        super().clean()
        for form in self.initial_forms:
            if form.errors.get("id"):
                owner = self.instance._meta.verbose_name
                rows = self.rows_name or self.model._meta.verbose_name_plural
                raise ValidationError(
                    f"Someone else changed this {owner}'s {rows} after you opened the "
                    f"page: a {self.row_noun} shown here no longer exists. Your changes have "
                    f"NOT been saved. Reload the page to see the current {rows}.",
                    code="edit_conflict",
                )


class OptimisticLockingMixin:
    """No lost edits on a ModelAdmin: its form and its locked inlines.

    The form checks the version first, so the usual conflict re-displays the form with
    a message. A save that loses the race between that check and the conditional UPDATE
    raises EditConflict: the transaction rolls back and the view runs once more, when
    the form's check sees the new version and shows the same message. Rows of locked
    inlines (`LockedInlineMixin`) are checked when they differ from the stored row,
    because Django saves such rows and a stale one would silently undo another edit.
    """

    form = VersionedForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.reverting = getattr(request, "_reverting", False)
        return form

    def save_model(self, request, obj, form, change):
        if change:
            locked_update(obj, form.cleaned_data.get("opened_version"))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if issubclass(formset.form, VersionedForm):
            deleted = set(formset.deleted_forms)
            for row in formset.initial_forms:
                if row not in deleted and row.has_changed():
                    locked_update(row.instance, row.cleaned_data.get("opened_version"))
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._reverting = True
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except EditConflict:
            return super().history_form_view(request, object_id, version_id, extra_context)


class LockedInlineMixin:
    """An inline whose rows are version-locked; the page's admin saves them locked."""

    form = VersionedInlineForm
    formset = LockedInlineFormSet

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "opened_version" not in fields:
            fields.append("opened_version")
        return fields


class LockedTabularInline(LockedInlineMixin, admin.TabularInline):
    pass
