"""The migration timeline's notes that services write, put into words when read.

A step another app records on the timeline (placement: a departure or a return under a placement
file) keeps why as a kind and parameters (`StatusEvent.note_kind`, `note_params`: codes and
numbers, never words), so that it reads in the language of whoever reads it, not of whoever
wrote it. The app that writes a kind says how it reads (`register_note`, from its AppConfig), so
the registry needs to know nothing of placement. What an officer types stays in `notes`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class TypedNote(Protocol):
    """A timeline step's note as stored (`StatusEvent`, which calls this module: no import
    back)."""

    note_kind: str
    note_params: dict


# `words(params)`: the note in the active language.
NoteWords = Callable[[dict], str]
_notes: dict[str, NoteWords] = {}


def register_note(kind: str, words: NoteWords) -> None:
    _notes[kind] = words


def note_words(event: TypedNote) -> str:
    """The note of a step a service recorded, in the reader's language; "" when it has none
    (or its kind is no longer known)."""
    words = _notes.get(event.note_kind)
    if words is None:
        return ""
    try:
        return words(event.note_params or {})
    except (KeyError, TypeError, ValueError):
        return ""
