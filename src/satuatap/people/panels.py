"""Sections that higher apps add to the person page, without the registry importing them.

A panel is `panel(request, person) -> str`: the section's rendered HTML, or "" when the reader
may not see it. Placement registers its panel (the person's placement files) in its AppConfig.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from satuatap.people.models import Person

PersonPanel = Callable[[HttpRequest, Person], str]
_panels: list[PersonPanel] = []


def register_person_panel(panel: PersonPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def unregister_person_panel(panel: PersonPanel) -> None:
    if panel in _panels:
        _panels.remove(panel)


def render_person_panels(request: HttpRequest, person: Person) -> list[SafeString]:
    """The HTML of every registered panel that has something to show this reader."""
    # Panels render their own templates (autoescaped), so their output is trusted HTML.
    return [mark_safe(html) for panel in _panels if (html := panel(request, person))]  # noqa: S308
