"""Markdown of the connector catalog (guides, notes) for the connector pages. Catalog texts are our code."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.integrations.connect_pages import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def markdown_inline(text: str) -> SafeString:
    """One line (a note): rendered without its paragraph."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - rendered from catalog Markdown above
