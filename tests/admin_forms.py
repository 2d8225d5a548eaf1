"""Read an admin change form as a browser would submit it, for posting edits in tests."""

import datetime


def _plain(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.datetime):
        return None  # split date/time widgets: left empty in these tests
    if isinstance(value, list | tuple):
        return [getattr(item, "pk", item) for item in value]
    return getattr(value, "pk", value)


def _add_form(data, form):
    for name in form.fields:
        value = _plain(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value


def admin_form_data(response) -> dict:
    """The values of the admin form on `response`, with its inline formsets."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
            # A statement's events, edited under it on the article's page.
            links = getattr(form, "event_links", None)
            if links is not None and form.may_edit_events:
                _add_form(data, links.management_form)
                for link in links.forms:
                    _add_form(data, link)
    return data
