"""The parts every list's FilterSet is built from; each record type declares its own.

Parameter names are shared across lists where they mean the same (DESIGN.md): `q`,
`date_from`, `date_to`, `actor`, `speaker`, `kind`, `channel`, `outlet`, `place`,
`language`, `event`, `stance`, `sort`. Every filter names its field and lookup; the ones
that need more than one lookup go through `method=`. Error messages are written for readers, because
the list pages show them as they are.
"""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from actors.models import Actor
from search.engine import filter_text

from .. import freshness
from ..dates import INVALID_DATE_MESSAGE, ISO_FORMAT

ISO_DATE = [ISO_FORMAT]
DATE_ERRORS = {"invalid": INVALID_DATE_MESSAGE}


class IsoDateField(forms.DateField):
    """A date as YYYY-MM-DD only, whatever the locale, with the one error message.

    Every date parameter of the public pages (lists, search, the actor page's sections)
    uses it, so a link means the same everywhere (`articles.dates`).
    """

    input_formats = ISO_DATE
    default_error_messages = DATE_ERRORS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format=ISO_FORMAT))
        super().__init__(**kwargs)


class ListFilterForm(forms.Form):
    """The form behind every list's filters: refuses a date range that ends before it starts."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                "The start date (%(start)s) is after the end date (%(end)s).",
                code="date_order",
                params={"start": start.isoformat(), "end": end.isoformat()},
            )
        return cleaned


def text_filter(label: str = "Text") -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=label,
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


def date_filter(
    field_name: str, lookup_expr: str, label: str, **kwargs
) -> django_filters.DateFilter:
    return IsoDateFilter(field_name=field_name, lookup_expr=lookup_expr, label=label, **kwargs)


class CachedOptions(BaseChoiceIterator):
    """The empty choice and (slug, name) of every row a select offers, read when rendered.

    The list changes only when records do, so it is cached for the archive's generation
    (articles/freshness.py): one query per change of the archive, not one per page.
    """

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        if field.queryset is None:
            return
        queryset, key = field.queryset, field.to_field_name
        rows = freshness.cached(
            "options",
            (queryset.model._meta.label, key, str(queryset.query)),
            lambda: [(getattr(row, key), str(row)) for row in queryset],
        )
        yield from rows


class SlugChoiceField(django_filters.fields.ModelChoiceField):
    """A select of the rows worth offering, that accepts the slug of any row of the model.

    The options list only actors who appear in public records (a draft's speaker is not
    offered), while a shared link naming any existing actor still works.
    """

    def __init__(self, *args, lookup_queryset: QuerySet, **kwargs):
        self.lookup_queryset = lookup_queryset
        super().__init__(*args, **kwargs)

    def _options(self):
        return CachedOptions(self)

    choices = property(_options, forms.ChoiceField.choices.fset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        invalid = forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )
        if "\x00" in str(value):  # PostgreSQL refuses NUL in text: no query can match
            raise invalid
        try:
            return self.lookup_queryset.get(**{self.to_field_name: value})
        except (self.lookup_queryset.model.DoesNotExist, ValueError, TypeError):
            raise invalid from None


class QuickSelect(forms.Select):
    """A select whose options are written in one pass, not through a template each.

    Django renders every <option> through its own template; with the 5,000 actors of a
    large archive that took 1.5 s of a statement list's 2.4 s (docs/benchmarks.md).
    The markup is the same: name, attributes, one option per choice, the chosen one
    selected.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


def slug_filter(
    field_name: str, label: str, queryset: QuerySet, noun: str, **kwargs
) -> SlugChoiceFilter:
    """A row by slug, offered from `queryset` and looked up in it."""
    return SlugChoiceFilter(
        field_name=field_name,
        label=label,
        queryset=queryset,
        lookup_queryset=queryset,
        to_field_name="slug",
        empty_label="Any",
        widget=QuickSelect,
        error_messages={"invalid_choice": f"No {noun} with the slug “%(value)s”."},
        **kwargs,
    )


def slug_input_filter(
    field_name: str, label: str, queryset: QuerySet, noun: str, **kwargs
) -> SlugChoiceFilter:
    """A row by slug, typed or carried by a link, looked up in `queryset`: for types with
    too many rows to offer in a select (events). A slug outside `queryset` (a draft) is
    refused like one that does not exist."""
    return SlugChoiceFilter(
        field_name=field_name,
        label=label,
        queryset=queryset,
        lookup_queryset=queryset,
        to_field_name="slug",
        widget=forms.TextInput(attrs={"dir": "auto", "spellcheck": "false"}),
        error_messages={"invalid_choice": f"No {noun} with the slug “%(value)s”."},
        **kwargs,
    )


class ActorInput(forms.TextInput):
    """A text field for an actor, with suggestions as the reader types.

    `static/js/suggest.js` fills the <datalist> from the suggestions endpoint
    (`search:actors`); without JavaScript the field takes a name, an alias or a slug.
    A select of every actor would send thousands of options with every page.
    """

    input_type = "search"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "dir": "auto", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        listing = f"{attrs.get('id') or name}-suggestions"
        attrs.update(list=listing, **{"data-suggest": reverse("search:actors")})
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, listing)


class ActorField(forms.CharField):
    """An actor by slug, name or alias (`ActorQuerySet.named`)."""

    widget = ActorInput
    default_error_messages = {
        "invalid_choice": "No actor has the slug, name or alias “%(value)s”.",
    }

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        actor = Actor.objects.named(text) if "\x00" not in text else None
        if actor is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": text[:100]},
            )
        return actor


class ActorFilter(django_filters.Filter):
    field_class = ActorField


def actor_filter(field_name: str, label: str, **kwargs) -> ActorFilter:
    """An actor named by slug, name or alias, typed with suggestions."""
    return ActorFilter(field_name=field_name, lookup_expr="exact", label=label, **kwargs)


def choice_filter(
    field_name: str, label: str, choices, noun: str, **kwargs
) -> django_filters.ChoiceFilter:
    values = ", ".join(value for value, _ in choices)
    return django_filters.ChoiceFilter(
        field_name=field_name,
        lookup_expr="exact",
        label=label,
        choices=choices,
        empty_label="Any",
        error_messages={"invalid_choice": f"“%(value)s” is not a {noun}. Choose one of: {values}."},
        **kwargs,
    )


def language_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name="language",
        lookup_expr="iexact",
        label="Language",
        help_text="A language tag: en, ar, he, fr…",
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                "A language is a tag such as en, ar, he or pt-BR.",
            )
        ],
    )


def sort_filter(sorts: dict[str, tuple[str, tuple[str, ...]]]) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in sorts.items()],
        method="filter_sort",
        empty_label=None,
        error_messages={
            "invalid_choice": "“%(value)s” is not a way to sort this list. Choose one of: "
            + ", ".join(sorts)
            + "."
        },
    )


class ListFilterSet(django_filters.FilterSet):
    """Shared behaviour: `q` through the search engine, `sort` applied last, stable order.

    `SORTS` maps each `sort` value to a label and the ORDER BY columns; the first is the
    default. Every ordering ends with the primary key so pages never overlap.
    """

    SORTS: dict[str, tuple[str, tuple[str, ...]]] = {}

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_text(queryset, value)

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in filter_queryset, after every other filter

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or next(iter(self.SORTS))
        return queryset.order_by(*self.SORTS[sort][1])
