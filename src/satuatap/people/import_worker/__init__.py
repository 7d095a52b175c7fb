"""The worker of a register import (`people.imports.services`), run by the task
`people.tasks.run_import_task` (or by `satuatap import_people` in the foreground).

It validates every row, reports every problem of a row at once (with its spreadsheet row
number, the heading row being row 1) and registers the valid rows through `register_person`
(so each is audited), one transaction per batch of `BATCH_SIZE` rows, saving the job's progress
after each batch. Nothing here logs or stores a value from the file outside the registry
itself: logs name the job by id and row by number, `ImportJob.failure` holds a generic message.

The package: `rows.py` reads the stored file and turns each row into `register_person`
arguments (every problem of a row at once); `services.py` is the worker itself (`run_import`:
claiming the job, the batches, the job's progress, its end or failure).
"""
