"""Admin forms: correction notes for published text, and a statement's events edited
with the statement (optimistic locking is in `locking.py`)."""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import inlineformset_factory
from django.utils.functional import cached_property

from .. import quotes
from ..models import Event, PublicationStatus, Statement, StatementEvent
from .locking import LockedInlineFormSet, VersionedForm

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
    """A statement: quotation marks typed around its text or passage are dropped, and
    "Said on" says when it is the article's date, the default when left empty."""

    correction_fields = ("text",)
    public_lookup = {"status": PUBLISHED, "article__status": PUBLISHED}
    # The statement's own page says where its date came from; the article's inline rows
    # do not (it would read each row's article again).
    explain_said_on = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        said_on = self.fields.get("said_on")
        statement = self.instance
        if self.explain_said_on and said_on is not None and statement.article_id:
            published_on = statement.article.published_on
            if statement.said_on == published_on:
                said_on.help_text = (
                    f"The article's date, {published_on:%-d %B %Y}: the default when "
                    "left empty. Change it when the statement was made on another day."
                )

    def clean_text(self):
        return quotes.strip_quote_marks(self.cleaned_data.get("text", ""))

    def clean_anchor(self):
        return quotes.strip_quote_marks(self.cleaned_data.get("anchor", ""))

    def clean(self):
        cleaned_data = super().clean()
        # Read by the admin to tell the editor which date the statement was given.
        self.said_on_defaulted = "said_on" in self.fields and not cleaned_data.get("said_on")
        return cleaned_data


class EventSearch(AutocompleteSelect):
    """The admin's event search; a row's saved event is shown without a query per row."""

    known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in ("", "None")}
        if not selected or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = [
            self.create_option(name, pk, self.known[pk], True, index)
            for index, pk in enumerate(sorted(selected))
        ]
        if not self.is_required and not self.allow_multiple_selected:
            options.insert(0, self.create_option(name, "", "", False, 0))
        return [(None, options, 0)]


class StatementEventForm(forms.ModelForm):
    """One account a statement gives of an event: the event, the stance, a figure.

    The model's CheckConstraints hold the figure rules, but Django reports a violated
    constraint above the whole row. The same rules are checked here first so that each
    message sits on the field to fix; a field with an error is then left out of the
    constraint check, so the message is not repeated.
    """

    class Meta:
        model = StatementEvent
        fields = ["event", "stance", "figure_kind", "claimed_figure", "claimed_figure_max", "note"]
        labels = {
            "figure_kind": "Figure counts",
            "claimed_figure": "Figure",
            "claimed_figure_max": "Top of range",
        }
        widgets = {
            "claimed_figure": forms.NumberInput(attrs={"class": "vIntegerField", "min": 0}),
            "claimed_figure_max": forms.NumberInput(attrs={"class": "vIntegerField", "min": 0}),
            "note": forms.TextInput(attrs={"size": 20, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["event"].widget
        event = self.instance.event if self.instance.event_id else None
        if isinstance(widget, EventSearch) and event is not None:
            # The row's event came with it (select_related): its title is known.
            widget.known = {str(event.pk): str(event)}

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("figure_kind")
        figure = cleaned_data.get("claimed_figure")
        top = cleaned_data.get("claimed_figure_max")
        if figure is not None and not kind and "figure_kind" not in self.errors:
            self.add_error(
                "figure_kind",
                "A figure needs what it counts: choose one (killed, injured…), "
                "or clear the figure.",
            )
        if kind and figure is None and "claimed_figure" not in self.errors:
            self.add_error(
                "claimed_figure",
                "Give the number the statement claims, or clear what it counts.",
            )
        if top is not None and "claimed_figure_max" not in self.errors:
            if figure is None and "claimed_figure" not in self.errors:
                self.add_error(
                    "claimed_figure_max",
                    "A range needs its bottom: give the figure first.",
                )
            elif figure is not None and top < figure:
                self.add_error(
                    "claimed_figure_max",
                    f"The top of a range is at least its bottom, {figure}.",
                )
        return cleaned_data


class BaseStatementEventFormSet(LockedInlineFormSet):
    rows_name = "events"
    row_noun = "link"

    def get_queryset(self):
        # The statements of the article's page come with their links (StatementInline's
        # queryset prefetches them, with their events): no query per statement.
        prefetched = getattr(self.instance, "_prefetched_objects_cache", {})
        if self.instance.pk is not None and "event_links" in prefetched:
            return prefetched["event_links"]
        return super().get_queryset()

    def get_unique_error_message(self, unique_check):
        return (
            "Two rows give the same event with the same stance and the same kind of figure: "
            "remove one, or put both figures in one row as a range."
        )


def _event_link_field(db_field, **kwargs):
    if db_field.name == "event":
        # The event search of the admin (EventAdmin.search_fields), as on the statement page.
        kwargs["widget"] = EventSearch(db_field, admin.site)
    return db_field.formfield(**kwargs)


StatementEventFormSet = inlineformset_factory(
    Statement,
    StatementEvent,
    form=StatementEventForm,
    formset=BaseStatementEventFormSet,
    formfield_callback=_event_link_field,
    extra=1,
    can_delete=True,
)


class StatementInlineForm(StatementAdminForm):
    """A statement on its article's page, with its events edited in rows under it.

    Django's admin has no nested inlines, so the statement's links to events are a
    formset owned by this form (prefix `<statement prefix>-events`): validated with the
    statement, saved with it, and counted as a change of the statement, so that the
    statement's optimistic locking covers them (see docs/decisions.md).
    """

    check_unchanged = False
    explain_said_on = False
    # Set by StatementInline.get_formset from the editor's permissions.
    may_edit_events = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = self.add_prefix("events")
        # A POST without the rows (an older page, a script) leaves the links alone.
        bound = self.is_bound and f"{prefix}-TOTAL_FORMS" in self.data
        if not self.may_edit_events:
            bound = False
        self.event_links = StatementEventFormSet(
            data=self.data if bound else None,
            instance=self.instance,
            prefix=prefix,
            queryset=StatementEvent.objects.select_related("event"),
        )

    @property
    def media(self):
        return super().media + self.event_links.media

    @cached_property
    def changed_data(self):
        changed = super().changed_data
        if self.event_links.is_bound and self.event_links.has_changed():
            # Named in the admin's change message ("Changed events for statement …").
            changed = [*changed, "events"]
        return changed

    def clean(self):
        cleaned_data = super().clean()
        if self.event_links.is_bound and not self.event_links.is_valid():
            self.add_error(
                None,
                "This statement's events have errors: see the marked rows under it. "
                "Nothing has been saved.",
            )
        return cleaned_data

    def save(self, commit=True):
        statement = super().save(commit=commit)
        if commit:
            self._save_event_links()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_links():
                save_m2m()
                self._save_event_links()

            self.save_m2m = save_m2m_and_links
        return statement

    def _save_event_links(self):
        if self.event_links.is_bound:
            # A new statement has its primary key only now.
            self.event_links.instance = self.instance
            self.event_links.save()  # each link's change is in StatementEvent's history


class EventAdminForm(VersionedForm, CorrectionNoteForm):
    """The kinds grouped by ACLED event type; a diplomatic kind's CAMEO code defaults to
    the kind's usual one. `static/js/event_kind.js` proposes it as soon as the editor
    chooses the kind; without JavaScript, an empty code is filled in on saving."""

    correction_fields = ("title", "description")
    public_lookup = {"status": PUBLISHED}

    class Media:
        js = ["js/event_kind.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            kind = self.fields["kind"]
            kind.choices = Event.grouped_kind_choices()
        if "cameo_code" in self.fields:
            # The code beside its name, as CAMEO's codebook lists them.
            self.fields["cameo_code"].choices = [("", "—")] + [
                (code.value, f"{code.value} {code.label}") for code in Event.CameoCode
            ]
            kind.widget.attrs["data-cameo-defaults"] = json.dumps(
                {str(k): str(code) for k, code in Event.DEFAULT_CAMEO_CODES.items()}
            )

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if kind in Event.DEFAULT_CAMEO_CODES and not cleaned_data.get("cameo_code"):
            cleaned_data["cameo_code"] = Event.DEFAULT_CAMEO_CODES[kind]
        return cleaned_data
