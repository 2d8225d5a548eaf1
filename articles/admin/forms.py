"""Admin forms: correction notes for published text, optimistic locking."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import quotes
from ..models import PublicationStatus, Statement

PUBLISHED = PublicationStatus.PUBLISHED


def _comparable(value) -> str:
    return ("" if value is None else str(value)).replace("\r\n", "\n").strip()


class CorrectionNoteForm(forms.ModelForm):
    """Asks for a one-line public note when the text of a published record changes.

    Subclasses name the text fields (`correction_fields`) and what makes the stored
    record public (`public_lookup`). The comparison is with the row in the database,
    not with the form's initial values, so it also holds when an editor reverts to an
    earlier version from the history.
    """

    correction_fields: tuple[str, ...] = ()
    public_lookup: dict = {}

    correction_note = forms.CharField(
        label="Correction note",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 80, "dir": "auto"}),
        help_text=(
            "Required when you change the text of a published record: one line readers "
            "will see under “Corrections”, e.g. “Corrected the spelling of a name.”"
        ),
    )

    def clean(self):
        cleaned_data = super().clean()
        self.corrected_fields: list[str] = []
        if self.instance.pk is None:
            return cleaned_data
        if not getattr(self, "check_unchanged", True) and not self.has_changed():
            return cleaned_data  # an unchanged inline row: no query per row
        model = type(self.instance)
        stored = (
            model._default_manager.filter(pk=self.instance.pk, **self.public_lookup)
            .values(*self.correction_fields)
            .first()
        )
        if stored is not None:
            self.corrected_fields = [
                name
                for name in self.correction_fields
                if name in cleaned_data
                and _comparable(cleaned_data[name]) != _comparable(stored[name])
            ]
        note = cleaned_data.get("correction_note", "").strip()
        if self.corrected_fields and not note:
            changed = " and ".join(
                model._meta.get_field(n).verbose_name for n in self.corrected_fields
            )
            self.add_error(
                "correction_note",
                f"This {model._meta.verbose_name} is public and you changed its {changed}: "
                "write a one-line correction note for readers.",
            )
        return cleaned_data


class VersionedForm(forms.ModelForm):
    """Optimistic locking: refuses to save over a version saved after the form was opened.

    The form carries the version the editor opened in a hidden field and compares it
    with the stored one. On a conflict the form is shown again with the editor's text and
    a message; its hidden version is moved to the current one, so saving again, after
    reading the message, replaces the other version on purpose. The admin then compares
    and increments the version in one conditional UPDATE (see `OptimisticLockingMixin`).
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
        return model._default_manager.filter(pk=self.instance.pk).values(
            "version", "updated_at"
        ).first() or {"version": 0, "updated_at": None}

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or not (self.check_unchanged or self.has_changed()):
            return cleaned_data
        expected = cleaned_data.get("opened_version")
        current = self._current()
        if expected != current["version"]:
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = str(current["version"])
            latest = self.instance.history.select_related("history_user").first()
            who = ""
            if latest is not None and latest.history_user is not None:
                who = f" by {latest.history_user.get_username()}"
            when = ""
            if current["updated_at"] is not None:
                when = f" at {timezone.localtime(current['updated_at']):%H:%M:%S on %d %B %Y}"
            name = self.instance._meta.verbose_name
            raise ValidationError(
                f"Someone else saved this {name} after you opened it{who}{when}. "
                "Your changes have NOT been saved: they are still in the form below. "
                f"Compare them with the current version (the {name}'s History shows the "
                "saved versions) and save again to replace that version with yours.",
                code="edit_conflict",
            )
        return cleaned_data


class ArticleAdminForm(VersionedForm, CorrectionNoteForm):
    correction_fields = ("title", "body")
    public_lookup = {"status": PUBLISHED}

    def clean_body(self):
        # Browsers send text areas with CRLF line ends; store LF so the checksum and
        # the quote offsets do not change when nobody changed the text.
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if self.reverting and self.instance.pk:
            self.check_quotes_in(body)
        return body

    def check_quotes_in(self, body: str) -> None:
        """A revert from History has no statement forms to check them: a body that would
        lose a quote of this article is refused here, as an edit's statement forms do."""
        located = quotes.Body(body)
        lost = [
            statement
            for statement in self.instance.statements.filter(kind=Statement.Kind.QUOTE)
            .select_related("speaker")
            .order_by("pk")
            if located.find(statement.text) is None
        ]
        if lost:
            raise ValidationError(
                "This version of the body no longer holds "
                + "; ".join(
                    f"the quote of {s.speaker.name} “{s.text[:80]}” (#{s.pk})" for s in lost
                )
                + ". Correct or unlink those statements first, then revert."
            )


class StatementAdminForm(VersionedForm, CorrectionNoteForm):
    correction_fields = ("text",)
    public_lookup = {"status": PUBLISHED, "article__status": PUBLISHED}


class StatementInlineForm(StatementAdminForm):
    check_unchanged = False


class EventAdminForm(VersionedForm, CorrectionNoteForm):
    correction_fields = ("title", "description")
    public_lookup = {"status": PUBLISHED}


class EditConflict(Exception):
    """The row changed between the form's check and the conditional UPDATE."""
