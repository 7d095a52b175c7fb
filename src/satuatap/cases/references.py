"""Case references and record ids drawn at random, so that what staff and partners see of the
cases they may read says nothing about the ones they may not.

A sequence (`MRC-CIREBON-2026-0041`, or ids 17, 18, 20 in the URLs) would: the office head, who
sees every unrestricted case, would count the restricted ones in the gaps and date them by their
neighbours. So a case reference is the office and eight characters, `MRC-CIREBON-K7Q4-9XDM`:

- seven drawn at random (`secrets`) from Crockford's base-32 alphabet (no I, L, O or U: nothing
  to misread or to spell a word), the first always a letter, so a reference never looks like an
  old `YEAR-NNNN` one;
- a check character (Luhn mod 32) that catches any single mistyped character and almost every
  swap of two neighbours, so a reference read out over the phone or copied from a letter is
  found or refused as mistyped, never taken for another case.

New cases and contacts also get a random id (nine digits) instead of the next one in the table:
nine, so that no log filter takes it for a NIK or a phone number (core.redaction masks ten digits
or more) and the administrator can still find the row a log line names. The insert that draws
again when a value is taken is `services.insert_with_random_identity`; nothing here writes.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LETTERS = ALPHABET[10:]
RANDOM_LENGTH = 7
ID_RANGE = (100_000_000, 1_000_000_000)  # nine digits, well inside JavaScript's safe integers

_REFERENCE = re.compile(rf"^MRC-[A-Z0-9-]+-([{LETTERS}][{ALPHABET}]{{3}})-([{ALPHABET}]{{4}})$")


def _luhn_sum(characters: str, *, double_first: bool) -> int:
    base = len(ALPHABET)
    total, double = 0, double_first
    for character in reversed(characters):
        value = ALPHABET.index(character) * (2 if double else 1)
        total += value // base + value % base
        double = not double
    return total


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of `body` (characters of ALPHABET)."""
    return ALPHABET[-_luhn_sum(body, double_first=True) % len(ALPHABET)]


def _is_checked(characters: str) -> bool:
    return _luhn_sum(characters, double_first=False) % len(ALPHABET) == 0


def new_case_number(office_slug: str) -> str:
    body = secrets.choice(LETTERS) + "".join(
        secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH - 1)
    )
    code = body + check_character(body)
    return f"MRC-{office_slug.upper()[:12]}-{code[:4]}-{code[4:]}"


def looks_like_reference(text: str) -> bool:
    """Whether `text` has the shape of a whole (random) case reference, right or mistyped."""
    return _REFERENCE.match(text.upper()) is not None


def is_valid_reference(text: str) -> bool:
    match = _REFERENCE.match(text.upper())
    return match is not None and _is_checked(match.group(1) + match.group(2))


def random_id() -> int:
    return secrets.randbelow(ID_RANGE[1] - ID_RANGE[0]) + ID_RANGE[0]
