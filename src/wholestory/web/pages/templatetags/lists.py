"""A list written in a template as one string, such as a table's column headings.

Django's template language has no list literal, so a partial that draws a row of
headings (``pages/_table_head.html``) is given them as ``"When;Who;Why"`` and splits
them here.
"""

from django import template

register = template.Library()


@register.filter
def split(value: str, separator: str) -> list[str]:
    """The parts of ``value`` between ``separator``s; none for an empty or missing value."""
    return value.split(separator) if value else []
