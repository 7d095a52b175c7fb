"""Sections and header actions that higher apps add to the person page, without the registry
importing them.

A panel is `panel(request, person) -> str`: the section's rendered HTML, or "" when the reader
may not see it. Placement registers its panel (the person's placement files) in its AppConfig.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class PersonAction:
    """A button that a higher app adds to the person page's header (front desk: "Check in")."""

    label: str
    url: str
    testid: str = ""


PersonActionSource = Callable[[HttpRequest, Person], PersonAction | None]
_actions: list[PersonActionSource] = []


def register_person_action(action: PersonActionSource) -> None:
    if action not in _actions:
        _actions.append(action)


def person_actions(request: HttpRequest, person: Person) -> list[PersonAction]:
    """The actions this reader may take on the person, from every app that offers one."""
    return [found for action in _actions if (found := action(request, person)) is not None]
