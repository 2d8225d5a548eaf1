"""`{% load names %}`: country and language names for the codes records carry."""

from django import template

from .. import names

register = template.Library()


@register.filter
def country_name(code: str | None) -> str:
    """{{ actor.country|country_name }} → "United Kingdom"."""
    return names.country_name(code)


@register.filter
def language_name(tag: str | None) -> str:
    """{{ article.language|language_name }} → "Arabic"."""
    return names.language_name(tag)
