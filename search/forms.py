from django import forms

from actors.models import Actor

from .engine import MAX_QUERY_LENGTH

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
    date_from = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD"
    )
    date_to = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD"
    )
    actor = forms.SlugField(
        label="Actor",
        required=False,
        help_text="The slug of a speaker or of an actor mentioned, e.g. james-cleverly.",
    )

    def clean_actor(self):
        slug = self.cleaned_data["actor"]
        if not slug:
            return None
        actor = Actor.objects.filter(slug=slug).first()
        if actor is None:
            raise forms.ValidationError(f"No actor has the slug “{slug}”.")
        return actor

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The “From” date is after the “To” date.")
        return data
