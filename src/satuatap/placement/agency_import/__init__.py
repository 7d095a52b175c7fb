"""Import of the national list of agencies (P3MI) from a spreadsheet: `services.py` (reads the
file and saves each row through the agency services), `forms.py`, `views.py` and `urls.py` (in
the `placement` URL namespace); the `import_agencies` command runs the same service."""
