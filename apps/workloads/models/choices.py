"""The value sets the reference shows only as "string": stable, lower-case, checked by the database."""

from django.db import models


class CatalogProvider(models.TextChoices):
    """The catalog providers Sail serves (`catalog.list` types)."""

    MEMORY = "memory"
    GLUE = "glue"
    ICEBERG_REST = "iceberg-rest"
    UNITY = "unity"
    ONELAKE = "onelake"
    HMS = "hms"  # Hive Metastore


class JobStatus(models.TextChoices):
    ACTIVE = "active"  # its schedule fires and it may be started
    PAUSED = "paused"  # its schedule does not fire; it may still be started by hand


class VersionStatus(models.TextChoices):
    DRAFT = "draft"  # at most one per job, editable
    PUBLISHED = "published"  # immutable; one of them is the job's current version


class JobType(models.TextChoices):
    SQL = "sql"
    PYTHON = "python"


class ConcurrencyPolicy(models.TextChoices):
    """What a scheduled run does when `maxConcurrentRuns` runs of the job are already running."""

    SKIP = "skip"  # it is not started
    QUEUE = "queue"  # it waits for one to finish
    REPLACE = "replace"  # the oldest running one is cancelled


class MissedSchedulePolicy(models.TextChoices):
    """What the scheduler does about fire times that passed while it was not running."""

    LATEST = "latest"  # one run, for the latest missed fire time
    SKIP = "skip"  # none
    ALL = "all"  # one run per missed fire time
