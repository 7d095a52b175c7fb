"""Placement files, a sub-domain of placement with the shape of an app: `models.py` (files,
stage history, readiness overrides, checklist rules, scheme policies), `services.py` (every
write), `selectors.py` (reads), the read-only engines `checklist.py` (the documents a file
needs), `readiness.py` (the gate before "ready") and `fraud.py` (warnings), `forms.py`,
`views/`, `urls.py` (in the `placement` URL namespace), `api.py` + `schemas.py`. The models
belong to the placement app: same app label and tables as before the package existed;
`placement/models.py` imports them so that Django registers them."""
