"""The parts every list's FilterSet is built from; each record type declares its own.

Parameter names are shared across lists where they mean the same (DESIGN.md): `q`,
`date_from`, `date_to`, `actor`, `speaker`, `kind`, `channel`, `outlet`, `place`,
`language`, `event`, `stance`, `sort`. Every filter names its field and lookup; the ones
that need more than one lookup go through `method=`. Error messages are written for readers, because
the list pages show them as they are.

Every filter that names a thing (an actor, a kind, an outlet, a place, a language, a
country) may repeat: `?speaker=a&speaker=b` means either (`AnyOf`). Values of one filter
are OR-ed, different filters AND-ed. The helpers below (`slug_filter`, `actor_filter`,
`choice_filter`, `language_filter`, `country_filter`) return such filters, so a new
filter is one line in a FilterSet, and a `method=` still receives one value at a time.
"""

import copy
from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from actors.models import Actor
from search.engine import filter_text, matches_more_than_each

from .. import freshness
from ..dates import INVALID_DATE_MESSAGE, ISO_FORMAT
from ..names import country_name, language_name

ISO_DATE = [ISO_FORMAT]
DATE_ERRORS = {"invalid": INVALID_DATE_MESSAGE}


class QuickInput(Input):
    """An <input> written in one pass, not through Django's widget templates.

    Django renders each input through two templates (the input and its attributes):
    with the selects, half of a list's filter form, which every list page draws. The
    markup is the same: type, name, the value when there is one, the attributes (a
    true one bare, a false or missing one left out).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(widget["attrs"]),
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class IsoDateField(forms.DateField):
    """A date as YYYY-MM-DD only, whatever the locale, with the one error message.

    Every date parameter of the public pages (lists, search, the actor page's sections)
    uses it, so a link means the same everywhere (`articles.dates`).
    """

    input_formats = ISO_DATE
    default_error_messages = DATE_ERRORS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuickDateInput(attrs={"type": "date"}, format=ISO_FORMAT))
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
        widget=QuickTextInput(attrs={"type": "search", "dir": "auto"}),
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

    A chosen value that is not among the options (a shared link naming a row the select
    does not offer) is added as an option, so the form shows what the page filters by.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = [str(item) for item in self.format_value(value) if str(item)]
        choices = list(self.choices)
        known = {str(key) for key, _label in choices}
        choices[1 if choices and choices[0][0] == "" else 0 : 0] = [
            (item, item) for item in chosen if item not in known
        ]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in choices
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


# -- Several values of one filter -------------------------------------------------------

MAX_VALUES = 20  # values of one filter in one URL: a bound on the work a link can ask for


def _present(values) -> list[str]:
    """The distinct values that say something, in order: empty ones are no filter."""
    found: list[str] = []
    for value in values:
        value = "" if value is None else str(value)
        if value.strip() and value not in found:
            found.append(value)
    return found


class ManyWidget(forms.Widget):
    """The controls of a filter that may repeat: the one-value control once per chosen
    value, then once more, empty, to add another ("or").

    The first keeps the field's id, so its <label> names it; the others are labelled
    "or". Each submits under the filter's name, so the form works without JavaScript;
    emptying a control drops its value.
    """

    def __init__(self, single: forms.Widget):
        self.single = single
        super().__init__()

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.single = copy.deepcopy(self.single, memo)
        return result

    @property
    def is_hidden(self) -> bool:
        return self.single.is_hidden

    def value_from_datadict(self, data, files, name) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data

    def id_for_label(self, id_):
        return self.single.id_for_label(id_)

    def use_required_attribute(self, initial) -> bool:
        return False

    def render(self, name, value, attrs=None, renderer=None):
        values = _present(value if isinstance(value, list | tuple) else [value])[:MAX_VALUES]
        attrs = dict(attrs or {})
        single = self.single
        if hasattr(single, "choices"):  # read the options once for every control
            single = copy.copy(single)
            single.choices = list(self.single.choices)
        controls = []
        for position, item in enumerate([*values, ""]):
            if position == 0:
                controls.append(single.render(name, item, attrs, renderer))
                continue
            control_id = f"{attrs.get('id') or name}_{position + 1}"
            widget = single
            if item == "" and hasattr(single, "choices"):
                widget = copy.copy(single)
                widget.choices = [("", "—")] + [c for c in single.choices if c[0] != ""]
            controls.append(
                format_html(
                    '<span class="or-value"><label for="{}">or</label> {}</span>',
                    control_id,
                    widget.render(name, item, {**attrs, "id": control_id}, renderer),
                )
            )
        return format_html(
            '<div class="many" data-many="{}">{}</div>', name, mark_safe("".join(controls))
        )


class ManyField(forms.Field):
    """A list of values, each checked by the field of one value (`single`).

    An empty value is dropped, a repeated one counted once. `pairs` keeps each value as
    given beside what it means (the chips name them), for the form that cleaned it.
    """

    default_error_messages = {
        "too_many": "At most %(max)s values of one filter, please: this link has %(count)s.",
    }

    def __init__(self, single: forms.Field, **kwargs):
        self.single = single
        kwargs.setdefault("widget", ManyWidget(single.widget))
        kwargs.setdefault("help_text", single.help_text)
        super().__init__(**kwargs)
        self.pairs: list[tuple[str, object]] = []

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.single = copy.deepcopy(self.single, memo)
        result.widget.single = result.single.widget
        result.pairs = []
        return result

    def to_python(self, value) -> list[str]:
        return _present(value if isinstance(value, list | tuple) else [value])

    def prepare_value(self, value):
        """The values the controls show: a code as it was cleaned ("gb" shows as GB, the
        option it names), anything else as it was given."""
        cleaned = {raw: meaning for raw, meaning in self.pairs if isinstance(meaning, str)}
        if isinstance(value, list | tuple):
            return [cleaned.get(item, item) for item in value]
        return value

    def clean(self, value) -> list:
        values = self.to_python(value)
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"max": MAX_VALUES, "count": len(values)},
            )
        pairs, errors = [], []
        for raw in values:
            try:
                meaning = self.single.clean(raw)
            except forms.ValidationError as error:
                errors.extend(error.error_list)
            else:
                if meaning not in self.single.empty_values:
                    pairs.append((raw, meaning))
        if errors:
            raise forms.ValidationError(errors)
        self.pairs = pairs
        cleaned = []
        for _raw, meaning in pairs:
            if meaning not in cleaned:
                cleaned.append(meaning)
        return cleaned


class AnyOf(django_filters.Filter):
    """A filter whose parameter may repeat: the rows matching any of its values.

    It wraps the filter of one value (`one`): its field checks each value, with its own
    messages, and it narrows the rows by one value. Several values of an exact lookup are
    one `IN`; of another lookup, their conditions OR-ed; of a `method=`, the union of the
    rows each value keeps (the method still receives one value). `display` names a value
    on chips, where the field's own choices do not.
    """

    def __init__(
        self, one: django_filters.Filter, *, display: Callable[[object], str] | None = None
    ):
        self.one = one
        self.display = display
        super().__init__(field_name=one.field_name, lookup_expr=one.lookup_expr, label=one._label)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self._field = ManyField(self.one.field, label=self.label, required=False)
        return self._field

    def label_of(self, value) -> str:
        """How a chip names one cleaned value."""
        if self.display is not None:
            return self.display(value)
        choices = getattr(self.one.field, "choices", None)
        if choices is not None and not hasattr(self.one.field, "queryset"):
            return str(dict(choices).get(value, value))
        return str(value)

    def filter(self, qs: QuerySet, value: list) -> QuerySet:
        if not value:
            return qs
        one = self.one
        one.parent = getattr(self, "parent", None)
        one.model = getattr(self, "model", None)
        if isinstance(one, CodeFilter) and one.lookup_expr == "iexact":
            return qs.filter(**{f"{one.field_name}__in": one.spellings(value)})
        if len(value) == 1:
            return one.filter(qs, value[0])
        if one.method is None:
            if one.lookup_expr == "exact":
                return qs.filter(**{f"{one.field_name}__in": value})
            either = Q()
            for item in value:
                either |= Q(**{f"{one.field_name}__{one.lookup_expr}": item})
            return qs.filter(either)
        every = qs.model._default_manager.order_by()
        ids = [one.filter(every, item).order_by().values("pk") for item in value]
        return qs.filter(pk__in=ids[0].union(*ids[1:]))


def slug_filter(field_name: str, label: str, queryset: QuerySet, noun: str, **kwargs) -> AnyOf:
    """Rows by slug, offered from `queryset` and looked up in it; may repeat."""
    return AnyOf(
        SlugChoiceFilter(
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
        widget=QuickTextInput(attrs={"dir": "auto", "spellcheck": "false"}),
        error_messages={"invalid_choice": f"No {noun} with the slug “%(value)s”."},
        **kwargs,
    )


class ActorInput(QuickTextInput):
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


def actor_filter(field_name: str, label: str, **kwargs) -> AnyOf:
    """Actors named by slug, name or alias, typed with suggestions; may repeat."""
    return AnyOf(ActorFilter(field_name=field_name, lookup_expr="exact", label=label, **kwargs))


def choice_filter(field_name: str, label: str, choices, noun: str, **kwargs) -> AnyOf:
    values = ", ".join(value for value, _ in choices)
    return AnyOf(
        django_filters.ChoiceFilter(
            field_name=field_name,
            lookup_expr="exact",
            label=label,
            choices=choices,
            empty_label="Any",
            widget=QuickSelect,
            error_messages={
                "invalid_choice": f"“%(value)s” is not a {noun}. Choose one of: {values}."
            },
            **kwargs,
        )
    )


class CodeOptions(BaseChoiceIterator):
    """The codes (languages, countries) found in `offered`, by name, read when rendered.

    Cached for the archive's generation like `CachedOptions`: one query per change of
    the archive.
    """

    def __init__(
        self,
        offered: QuerySet,
        field_name: str,
        display: Callable[[str], str],
        codes: Callable[[], Iterable[str]] | None = None,
    ):
        self.offered, self.field_name, self.display = offered, field_name, display
        self.codes = codes

    def __iter__(self):
        yield ("", "Any")
        if self.codes is not None:  # known without reading the rows (kept totals)
            codes = [code for code in self.codes() if code]
        else:
            rows = self.offered.exclude(**{self.field_name: ""}).order_by(self.field_name)
            codes = freshness.cached(
                "codes",
                (self.offered.model._meta.label, str(rows.query)),
                lambda: list(rows.values_list(self.field_name, flat=True).distinct()),
            )
        yield from sorted(((code, self.display(code)) for code in codes), key=lambda c: c[1])


class CodeField(forms.CharField):
    """A code chosen from the codes in use, or any well-formed one typed into a link."""

    def __init__(self, *, options: CodeOptions, normalise: Callable[[str], str], **kwargs):
        self.normalise = normalise
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(**kwargs)
        self.widget.choices = options

    def to_python(self, value):
        text = super().to_python(value)
        return self.normalise(text) if text else text


class CodeFilter(django_filters.Filter):
    field_class = CodeField

    def spellings(self, values: Iterable[str]) -> list[str]:
        """The codes in use that match `values` in any case ("EN" finds "en"): an `IN`
        of those uses the column's index, which a case-insensitive comparison (SQLite's
        `LIKE`, PostgreSQL's `UPPER()`) does not."""
        wanted = {value.casefold() for value in values}
        return [code for code, _ in self.extra["options"] if code and code.casefold() in wanted]


def _code_filter(
    field_name: str,
    label: str,
    offered: QuerySet,
    display: Callable[[str], str],
    pattern: str,
    message: str,
    normalise: Callable[[str], str],
    lookup_expr: str,
    codes: Callable[[], Iterable[str]] | None = None,
) -> AnyOf:
    return AnyOf(
        CodeFilter(
            field_name=field_name,
            lookup_expr=lookup_expr,
            label=label,
            options=CodeOptions(offered, field_name, display, codes),
            normalise=normalise,
            validators=[RegexValidator(pattern, message)],
        ),
        display=display,
    )


def language_filter(offered: QuerySet, codes: Callable[[], Iterable[str]] | None = None) -> AnyOf:
    """Languages (BCP 47 tags), offered by name from those of `offered` (or `codes()`
    when they are known without reading the rows); may repeat."""
    return _code_filter(
        "language",
        "Language",
        offered,
        language_name,
        r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        "A language is a tag such as en, ar, he or pt-BR.",
        normalise=str.strip,
        lookup_expr="iexact",
        codes=codes,
    )


def country_filter(offered: QuerySet) -> AnyOf:
    """Countries (ISO 3166 alpha-2), offered by name from those of `offered`; may repeat."""
    return _code_filter(
        "country",
        "Country",
        offered,
        country_name,
        r"^[A-Z]{2}$",
        "A country is a two-letter ISO 3166 code such as GB or US.",
        normalise=lambda code: code.strip().upper(),
        lookup_expr="exact",
    )


def sort_filter(sorts: dict[str, tuple[str, tuple[str, ...]]]) -> django_filters.ChoiceFilter:
    """The list's order; the first is the default, which the form does not submit
    (`data-default`, static/js/filters.js)."""
    return django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in sorts.items()],
        method="filter_sort",
        empty_label=None,
        widget=QuickSelect(attrs={"data-default": next(iter(sorts))}),
        error_messages={
            "invalid_choice": "“%(value)s” is not a way to sort this list. Choose one of: "
            + ", ".join(sorts)
            + "."
        },
    )


def words_are_broad(queryset: QuerySet, words: str) -> bool:
    """Whether `words` match more than SEARCH_BROAD_MATCHES documents of the index of
    `queryset`'s type, drafts included, read once per generation of the archive: a hint
    for how to read and rank the rows (search/engine.py), never what a reader is shown."""
    return words_are_broad_each({"": queryset}, words)[""]


def words_are_broad_each(querysets: dict[str, QuerySet], words: str) -> dict[str, bool]:
    """`words_are_broad` for each of several types' querysets, asked in one query."""
    limit = settings.SEARCH_BROAD_MATCHES
    key = ([qs.model._meta.label for qs in querysets.values()], words, limit)

    def ask() -> dict[str, bool]:
        broad = matches_more_than_each(list(querysets.values()), words, limit)
        return dict(zip(querysets, broad, strict=True))

    return freshness.cached("broad-words", key, ask)


class ListFilterSet(django_filters.FilterSet):
    """Shared behaviour: `q` through the search engine, `sort` applied last, stable order.

    `SORTS` maps each `sort` value to a label and the ORDER BY columns; the first is the
    default. Every ordering ends with the primary key so pages never overlap.
    """

    SORTS: dict[str, tuple[str, tuple[str, ...]]] = {}
    # Types whose totals the database keeps (statements): the count of the rows of a
    # scope, and the filters whose values are scopes.
    TALLY_COUNT: Callable[..., int] | None = None
    TALLIED: tuple[str, ...] = ()
    # The date filters (from, until) and the scope of their range in the totals (None
    # when neither is given).
    TALLIED_DATES: tuple[str, ...] = ()
    TALLY_DATES: Callable[..., tuple[str, list[str]] | None] | None = None

    _by_id = False  # qs_counted(): the matches of words found by id

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Words in more than SEARCH_BROAD_MATCHES documents are read in the list's
        # order index (search/engine.py).
        broad = not self._by_id and words_are_broad(queryset, value)
        return filter_text(queryset, value, broad=broad)

    def broad_words(self) -> bool:
        """Whether the words chosen (`q`) are broad (`words_are_broad`); False without words."""
        words = self.form.cleaned_data.get("q") if self.is_valid() else None
        return bool(words) and words_are_broad(self.queryset, words)

    def seek(self) -> Callable[[int], tuple[Q, int] | None] | None:
        """Where the row at an offset of the filtered list is, when the type can say so
        without counting the rows above it: a filter whose rows start on or just above
        it, and how many of those come first (`ArchivePaginator`). None: it cannot."""
        return None

    def narrowed_besides_words(self) -> bool:
        """Whether a filter other than the words (`q`) is chosen."""
        return any(
            value not in (None, "", [])
            for name, value in self.form.cleaned_data.items()
            if name not in ("sort", "q")
        )

    def qs_counted(self) -> QuerySet:
        """The rows of `qs`, unordered, as counting reads them best. The matches of
        broad words alone are found by id, stopping at the count's cap; with another
        filter they are tested on the rows it keeps, as the list reads them: found by
        id, every match would be read to find the few that a speaker, an outlet or a
        fortnight keep (on SQLite 140-190 ms for "evacuation" and a speaker, against
        30)."""
        self._by_id = not self.narrowed_besides_words()
        try:
            return self.qs_without("").order_by()
        finally:
            self._by_id = False

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in filter_queryset, after every other filter

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or next(iter(self.SORTS))
        return queryset.order_by(*self.SORTS[sort][1])

    def tally_scope(self, without: str = "") -> tuple[str, list[str]] | None:
        """The rows as the kept totals count them (`articles/tallies.py`), the filter
        `without` left out: ("", []) with no filter, (name, values) with only one filter
        of `TALLIED`, the range's scope with only the date filters (`TALLY_DATES`); None
        when other filters narrow them, or the type keeps no totals."""
        if self.TALLY_COUNT is None:
            return None
        chosen = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in ("sort", without) and value not in (None, "", [])
        }
        if not chosen:
            return "", []
        if self.TALLY_DATES is not None and chosen.keys() <= set(self.TALLIED_DATES):
            start, end = self.TALLIED_DATES
            return self.TALLY_DATES(chosen.get(start), chosen.get(end))
        if len(chosen) == 1:
            name, values = chosen.popitem()
            if name in self.TALLIED:
                return name, [str(value) for value in values]
        return None

    def tallied_count(self) -> int | None:
        """How many rows the filters keep, from the kept totals when they count them."""
        scope = self.tally_scope()
        return None if scope is None else self.TALLY_COUNT(scope=scope[0], values=scope[1])

    def qs_without(self, name: str) -> QuerySet:
        """The rows of every valid filter but `name`, unordered: what a facet of `name`
        counts, so its other values show how many adding them would bring."""
        queryset = self.queryset.all()
        for other, value in self.form.cleaned_data.items():
            if other != name and other != "sort":
                queryset = self.filters[other].filter(queryset, value)
        return queryset
