"""FilterSet of the public actor list: `q`, `kind`, `country`, `sort`."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet

from actors.models import Actor

from .filtering import ListFilterForm, ListFilterSet, choice_filter, sort_filter, text_filter


class ActorFilter(ListFilterSet):
    # `statement_count` is annotated by the list view's base queryset.
    SORTS = {
        "name": ("Name", ("name", "pk")),
        "most_quoted": ("Most quoted", ("-statement_count", "name", "pk")),
    }

    q = text_filter("Name or alias")
    kind = choice_filter("kind", "Kind", Actor.Kind.choices, "kind of actor")
    country = django_filters.CharFilter(
        field_name="country",
        lookup_expr="exact",
        label="Country",
        help_text="Two-letter ISO code: GB, US, IL…",
        method="filter_country",
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2}$", "A country is a two-letter ISO 3166 code such as GB or US."
            )
        ],
        widget=forms.TextInput(attrs={"size": 4, "maxlength": 2, "autocapitalize": "characters"}),
    )
    sort = sort_filter(SORTS)

    class Meta:
        model = Actor
        fields: list[str] = []
        form = ListFilterForm

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country=value.upper())
