"""Import of an office's existing register (XLSX or CSV): `services.py` (upload, column
mapping, queueing; the retention purge), `selectors.py` (the office's jobs, the error report),
`mapping.py` (which column feeds which field), `forms.py`, `views.py` and `urls.py` (mounted by
`people/urls.py`). The task is `people/tasks.py` and the worker it runs `people/import_worker/`,
both outside this package: the task imports the worker, and this package queues the task.
"""
