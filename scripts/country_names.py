"""Write the Indonesian names of every country django-countries knows, from Babel's CLDR data.

django-countries ships no Indonesian catalogue. Its names are English msgids translated through
the "django" domain, so an Indonesian `django.po` holding `English name → CLDR Indonesian name`
for every code gives Indonesian names everywhere a country is shown or chosen. It lives in its
own locale directory (src/satuatap/locale_countries) so `makemessages` on our own catalogue
never drops it. Run after upgrading django-countries or Babel, then `make messages`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from django.conf import settings
from django.utils import translation

TARGET = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "satuatap"
    / "locale_countries"
    / "id"
    / "LC_MESSAGES"
)


# CLDR's long forms where the everyday name is what an office and a village say.
EVERYDAY_NAMES = {"HK": "Hong Kong", "MO": "Makau"}


def build_catalog() -> Catalog:
    if not settings.configured:
        settings.configure(USE_I18N=False)  # names as django-countries writes them: English
    from django_countries.data import COUNTRIES

    territories = Locale("id").territories
    catalog = Catalog(locale="id", project="SatuAtap country names", fuzzy=False)
    for code, name in sorted(COUNTRIES.items()):
        with translation.override(None):
            english = str(name)
        indonesian = EVERYDAY_NAMES.get(code) or territories.get(code)
        if indonesian and indonesian != english:
            catalog.add(english, indonesian)
    return catalog


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    catalog = build_catalog()
    with (TARGET / "django.po").open("wb") as po_file:
        write_po(po_file, catalog, width=100)
    with (TARGET / "django.mo").open("wb") as mo_file:
        write_mo(mo_file, catalog)
    print(f"{len(catalog)} Indonesian country names written to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
