"""A person's documents (KTP, KK, passport, certificates…): `services.py` (upload, verify,
reject), `selectors.py` (what a user may see, validity), `forms.py`, `views.py` and `urls.py`
(mounted by `people/urls.py`, namespace `people`)."""
