import os
from typing import Any

from celery import Celery
from celery import Task as CeleryTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakesail_console.settings")

# Celery shows a task's arguments (monitoring events, logs) through `saferepr`, which bounds deeply nested values
# and costs about 0.1 ms of CPU an enqueue: a third of a `delay()`. Our tasks take ids and small values, so the
# built-in repr gives the same text; it is cut to Celery's own bound.
ARGS_REPR_MAX = 1024


class Task(CeleryTask):
    def apply_async(self, args: Any = None, kwargs: Any = None, *extra: Any, **options: Any) -> Any:
        if options.get("argsrepr") is None:
            options["argsrepr"] = repr(tuple(args or ()))[:ARGS_REPR_MAX]
        if options.get("kwargsrepr") is None:
            options["kwargsrepr"] = repr(dict(kwargs or {}))[:ARGS_REPR_MAX]
        return super().apply_async(args, kwargs, *extra, **options)


app = Celery("lakesail_console", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
