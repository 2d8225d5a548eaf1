"""Forms of the public pages that are not list filters: the search form, the actor
page's section dates."""

from django import forms
from django.db.models import Q

from actors.models import Actor
from search.engine import MAX_QUERY_LENGTH

from ..records.filtering import ActorField, IsoDateField


class ActorStatementsForm(forms.Form):
    """Date filters of the two statement sections of an actor page."""

    by_from = IsoDateField(required=False, label="From")
    by_to = IsoDateField(required=False, label="To")
    about_from = IsoDateField(required=False, label="From")
    about_to = IsoDateField(required=False, label="To")

    def clean(self):
        data = super().clean()
        for prefix in ("by", "about"):
            start, end = data.get(f"{prefix}_from"), data.get(f"{prefix}_to")
            if start and end and start > end:
                self.add_error(f"{prefix}_to", "The end date is before the start date.")
        return data

    def period(self, prefix: str):
        """(start, end) of a section. A field with an error is left out of cleaned_data,
        so it filters nothing; the other date still applies."""
        if not self.is_bound:
            return None, None
        self.is_valid()  # runs the validation once; fields with errors stay out
        return self.cleaned_data.get(f"{prefix}_from"), self.cleaned_data.get(f"{prefix}_to")


TYPE_CHOICES = [
    ("", "All types"),
    ("statements", "Statements"),
    ("actors", "Actors"),
    ("articles", "Articles"),
    ("events", "Events"),
]


AMBIGUOUS_SHOWN = 5


class SearchActorField(ActorField):
    """The search page's actor: a slug, a name or an alias as a reader types it.

    Resolved in this order: the slug; else the actors whose name or an alias is the
    text (any case); else those whose name or an alias contains it. One actor is the
    answer; several are named in the error, so the reader can choose; none says so.
    """

    default_error_messages = {
        "invalid_choice": "No actor has the slug, name or alias “%(value)s”.",
        "ambiguous": "“%(value)s” could be %(names)s. Type the full name, or the slug in brackets.",
    }

    def to_python(self, value):
        text = forms.CharField.to_python(self, value).strip()
        if not text:
            return None
        if "\x00" in text:
            self._fail("invalid_choice", text)
        exact = Q(slug=text) | Q(name__iexact=text) | Q(aliases__name__iexact=text)
        found = list(Actor.objects.filter(exact).distinct().order_by("name", "pk")[:6])
        by_slug = [actor for actor in found if actor.slug == text]
        if by_slug:
            return by_slug[0]
        if not found:
            found = list(Actor.objects.suggested(text, limit=AMBIGUOUS_SHOWN + 1))
        if len(found) == 1:
            return found[0]
        if not found:
            self._fail("invalid_choice", text)
        names = [f"{actor.name} ({actor.slug})" for actor in found[:AMBIGUOUS_SHOWN]]
        if len(found) > AMBIGUOUS_SHOWN:
            names.append("others")
        listed = ", ".join(names[:-1]) + " or " + names[-1]
        self._fail("ambiguous", text, names=listed)

    def _fail(self, code: str, text: str, **params):
        raise forms.ValidationError(
            self.error_messages[code], code=code, params={"value": text[:100], **params}
        )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text='Use "quotes" for a phrase, -word to exclude, or between alternatives.',
    )
    type = forms.ChoiceField(label="Type", choices=TYPE_CHOICES, required=False)
    date_from = IsoDateField(label="From", required=False, help_text="YYYY-MM-DD")
    date_to = IsoDateField(label="To", required=False, help_text="YYYY-MM-DD")
    actor = SearchActorField(
        label="Actor",
        required=False,
        help_text="A speaker or an actor mentioned: a name or alias, e.g. James Cleverly or "
        "Cleverly, or its slug.",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The “From” date is after the “To” date.")
        return data
