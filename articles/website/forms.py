"""Forms of the public pages that are not list filters: the search form, the actor
page's section dates."""

from django import forms

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
    actor = ActorField(
        label="Actor",
        required=False,
        help_text="A speaker or an actor mentioned: a name, e.g. James Cleverly, or its slug.",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The “From” date is after the “To” date.")
        return data
