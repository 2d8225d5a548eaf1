from django import forms

from articles.records.filtering import QuickSelect

CHOICES = [("", "Any"), ("a<b", "Tom & Jerry"), ("b", "B")]


class ChoiceForm(forms.Form):
    quick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect)
    plain = forms.ChoiceField(choices=CHOICES)


def options(html: str) -> list[str]:
    return [part.split(">")[0] for part in html.split("<option")[1:]]


def test_quick_select_writes_the_same_options_as_django_select():
    form = ChoiceForm({"quick": "b", "plain": "b"})
    quick, plain = str(form["quick"]), str(form["plain"])
    assert options(quick) == options(plain)
    assert '<option value="a&lt;b">Tom &amp; Jerry</option>' in quick
    assert '<option value="b" selected>B</option>' in quick
    assert quick.startswith('<select name="quick" id="id_quick" required>')
