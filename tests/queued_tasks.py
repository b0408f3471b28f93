"""Running the tasks queued on django-tasks-db's database backend inside a test's transaction,
as `manage.py db_worker --batch` would (the command itself closes the connection between tasks)."""

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    """Run every task that is ready now; the number run. A retry deferred to later waits."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim("tests")
        worker.run_task(result)
        ran += 1
    return ran


def bring_deferred_tasks_forward() -> int:
    """Make the tasks deferred to later ready now, as if their wait had passed."""
    return DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
