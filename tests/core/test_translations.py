"""The Indonesian catalogue is complete and the compiled file matches it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "satuatap" / "locale" / "id" / "LC_MESSAGES"


def _translated(message) -> bool:
    string = message.string
    return bool(string) if isinstance(string, str) else all(string)


def test_every_indonesian_message_is_translated_and_none_is_fuzzy():
    catalog = read_po((LOCALE / "django.po").open("rb"))
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not _translated(m))]
    assert missing == []


def test_compiled_catalogue_is_up_to_date():
    catalog = read_po((LOCALE / "django.po").open("rb"))
    compiled = read_mo(BytesIO((LOCALE / "django.mo").read_bytes()))

    def as_dict(messages):
        # Keyed by context too: "Front desk" is a role and, in the context "menu group", a
        # group of the menu, each with its own translation.
        return {
            (
                m.id if isinstance(m.id, str) else m.id[0],
                m.context.decode() if isinstance(m.context, bytes) else m.context,
            ): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in messages
            if m.id
        }

    expected, actual = as_dict(catalog), as_dict(compiled)
    assert actual == expected
