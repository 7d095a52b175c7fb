"""Format modules (`FORMAT_MODULE_PATH`): how dates are typed, the same in both languages.

Indonesia writes a date day first: 17/08/2026. Django's English formats would read 05/08/2026 as
the 8th of May, and its Indonesian ones show 17-08-2026 in a field; both languages here show a
date field as dd/mm/yyyy and read dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy and ISO 2026-08-17 (which
Django always accepts too). Dates shown in text keep Django's formats (17 Agu 2026, Aug. 17,
2026): only what is not set here falls back to them.
"""
