"""The home page's "Your work": each role's queues, with counts and the next thing to do.

Core knows no domain app: an app registers `register_work_panel(key, fn, order=…)` in its
AppConfig.ready, `fn(user)` returning a `WorkPanel`, or None when the panel does not apply to
the user (their role, their permissions, or — for rare queues such as role grants — nothing
waits). A panel function reads through its app's selectors, so every count and row is already
limited to what the user may see: a restricted MRC case reaches a count only for who may open
it, and no row names the client of a restricted case (docs/security.md, "Side channels").
Panels are computed for the home page only, never for the menu of every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from satuatap.core.models import User


@dataclass(frozen=True)
class WorkItem:
    """A count and the page that lists what it counts."""

    label: str
    count: int
    url: str
    needs_attention: bool = False  # shown in the warning colour when the count is not zero


@dataclass(frozen=True)
class WorkRow:
    """One thing waiting (a case, a file, a desk), with a short detail and where to open it."""

    text: str
    url: str
    detail: str = ""
    needs_attention: bool = False


@dataclass(frozen=True)
class WorkLink:
    label: str
    url: str


@dataclass(frozen=True)
class WorkPanel:
    title: str
    items: tuple[WorkItem, ...] = ()
    rows: tuple[WorkRow, ...] = ()
    rows_title: str = ""
    empty_text: str = ""  # shown when no row is listed
    next_step: WorkLink | None = None  # the next thing to do, as the panel's button
    more: WorkLink | None = None  # the whole list, when the rows are cut short


WorkPanelFunction = Callable[["User"], WorkPanel | None]
_work_panels: dict[str, tuple[int, WorkPanelFunction]] = {}


def register_work_panel(key: str, panel: WorkPanelFunction, *, order: int = 100) -> None:
    """`key` names the panel (`data-testid="work-<key>"`); panels show by `order`, then key."""
    _work_panels[key] = (order, panel)


def unregister_work_panel(key: str) -> None:
    _work_panels.pop(key, None)


def work_panels_for(user: User) -> list[tuple[str, WorkPanel]]:
    """The panels that apply to the user, in order, each with its key."""
    panels = []
    for key, (_order, function) in sorted(_work_panels.items(), key=lambda e: (e[1][0], e[0])):
        panel = function(user)
        if panel is not None:
            panels.append((key, panel))
    return panels


# How many rows a panel lists before it links to the whole list.
ROW_LIMIT = 6
