"""Compile every locale/*/LC_MESSAGES/django.po to .mo with Babel (no gettext needed)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "src" / "satuatap"
LOCALE_DIRS = (PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_countries")


def main() -> int:
    for po_path in sorted(p for d in LOCALE_DIRS for p in d.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        print(f"compiled {po_path.relative_to(PACKAGE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
