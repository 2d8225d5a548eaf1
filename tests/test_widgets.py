import datetime
from html.parser import HTMLParser

import pytest
from django import forms

from articles.records.filtering import QuickDateInput, QuickSelect, QuickTextInput

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


class Elements(HTMLParser):
    """The elements of a piece of HTML: tag and attributes, in order (values unescaped)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def rendered(widget: forms.Widget, value) -> list[tuple[str, dict]]:
    return Elements(widget.render("q", value, {"id": "id_q", "required": True})).found


@pytest.mark.parametrize("value", [None, "", 'Tom & "Jerry" <b>', 42])
@pytest.mark.parametrize(
    "attrs",
    [{"type": "search", "dir": "auto"}, {"dir": "auto", "spellcheck": "false", "hidden": False}],
)
def test_quick_input_writes_the_same_element_as_django_input(attrs, value):
    quick, plain = QuickTextInput(attrs), forms.TextInput(attrs)
    assert rendered(quick, value) == rendered(plain, value)


@pytest.mark.parametrize("value", [None, datetime.date(2024, 1, 31), "2024-02-30"])
def test_quick_date_input_writes_the_same_element_as_django_date_input(value):
    attrs = {"type": "date"}
    quick = QuickDateInput(attrs, format="%Y-%m-%d")
    plain = forms.DateInput(attrs, format="%Y-%m-%d")
    assert rendered(quick, value) == rendered(plain, value)
    if value is not None:
        assert rendered(quick, value)[0][1]["value"] == str(value)
