"""The worker of a background export, run by the task `reports.tasks.run_export_task`
(`services.run_export`). A package of its own, apart from `exports/services.py`, which queues the
task: the task imports the worker, and nothing the worker imports leads back to the queueing."""
