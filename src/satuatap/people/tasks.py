"""Background work of the registry, run by huey (see `satuatap.core.tasks`).

Tasks take record ids only, never personal data: huey pickles their arguments into the queue.
"""

from satuatap.core.tasks import user_task
from satuatap.people import imports


@user_task("people.import")
def run_import_task(job_id: int) -> None:
    imports.run_import(job_id)
