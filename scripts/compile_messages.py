"""Compile every locale/*/LC_MESSAGES/django.po to .mo with Babel (no gettext needed)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "satuatap" / "locale"


def main() -> int:
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        print(f"compiled {po_path.relative_to(LOCALE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
