from django import forms


class ActorStatementsForm(forms.Form):
    """Date filters of the two statement sections of an actor page."""

    by_from = forms.DateField(required=False, label="From")
    by_to = forms.DateField(required=False, label="To")
    about_from = forms.DateField(required=False, label="From")
    about_to = forms.DateField(required=False, label="To")

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
