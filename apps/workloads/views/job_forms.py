"""The job editor's forms: the wizard's steps, and the draft editor made of the same parts.

Each part turns its fields into the version changes the services take (wire names; `config` as a merge patch over the
version it changes, naming only what the part changed, so settings the console does not show are kept). The
services' field errors come back by wire path; `step_of` says which part owns each.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.workloads.models import ConcurrencyPolicy, ExecutionMode, JobStatus, JobVersion, MissedSchedulePolicy
from apps.workloads.services.jobs import JOB_KEY
from apps.workloads.versions import MAX_CONCURRENT_RUNS, MAX_RETRIES, MAX_TIMEOUT_SECONDS
from apps.workloads.views.query_forms import code_widget

STEPS = ("basics", "code", "compute", "schedule", "dependencies", "teams", "review")
STEP_TITLES = {
    "basics": "Basics",
    "code": "Code",
    "compute": "Cluster and compute",
    "schedule": "Schedule",
    "dependencies": "Dependencies",
    "teams": "Teams",
    "review": "Review",
}
SQL_QUERY, SQL_SOURCE, PYTHON = "query", "sql", "python"

# Wire path (or its start) → (step, form field); the first match wins, so longer paths come first.
WIRE_FIELDS: tuple[tuple[str, str, str | None], ...] = (
    ("jobKey", "basics", "job_key"),
    ("status", "basics", "status"),
    ("description", "basics", "description"),
    ("config.sql.queryId", "code", "query"),
    ("config.sql", "code", "sql"),
    ("config.python", "code", "python"),
    ("config.lakesail.executionMode", "compute", "execution_mode"),
    ("config.lakesail.maxRetries", "compute", "max_retries"),
    ("config.compute.worker.maxNodes", "compute", "workers"),
    ("config.compute.worker.instanceType", "compute", "worker_instance_type"),
    ("config.compute", "compute", None),
    ("config.lakesail", "compute", None),
    ("config", "code", None),
    ("clusterId", "compute", "cluster"),
    ("timeoutSeconds", "compute", "timeout_seconds"),
    ("sourceConfig", "code", None),
    ("cronExpression", "schedule", "cron_expression"),
    ("cronTimezone", "schedule", "cron_timezone"),
    ("concurrencyPolicy", "schedule", "concurrency_policy"),
    ("maxConcurrentRuns", "schedule", "max_concurrent_runs"),
    ("missedSchedulePolicy", "schedule", "missed_schedule_policy"),
    ("dependsOn", "dependencies", "depends_on"),
    ("teamIds", "teams", "teams"),
)


def step_of(wire: str) -> tuple[str, str | None]:
    """The step (and its field, None for the step as a whole) that owns a wire path; else the review."""
    for path, step, field in WIRE_FIELDS:
        if wire == path or wire.startswith((f"{path}.", f"{path}[")):
            return step, field
    return "review", None


def _patch(current: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
    """A merge patch taking `current` to `desired` for the keys `desired` names (None: remove)."""
    return {key: value for key, value in desired.items() if current.get(key) != value}


class JobStepForm(forms.Form):
    """A part of the job editor; `choices` fills the choice fields it has."""

    def __init__(self, *args: Any, choices: Mapping[str, list[tuple[str, str]]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in (choices or {}).items():
            if name in self.fields:
                self.fields[name].choices = options


class BasicsForm(JobStepForm):
    job_key = forms.CharField(
        max_length=63,
        label="Job key",
        validators=[RegexValidator(JOB_KEY, "Lower-case letters, digits, - and _, starting with a letter or digit.")],
        help_text="Unique in the organization: daily-sales, ingest_orders.",
    )
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(
        choices=JobStatus.choices, initial=JobStatus.ACTIVE, help_text="A paused job's schedule does not fire."
    )


class CodeForm(JobStepForm):
    kind = forms.ChoiceField(
        label="What it runs",
        choices=[(SQL_QUERY, "A saved query"), (SQL_SOURCE, "SQL written here"), (PYTHON, "A Python program")],
        initial=SQL_QUERY,
        widget=forms.RadioSelect,
    )
    query = forms.ChoiceField(required=False, label="Saved query")
    sql = forms.CharField(required=False, label="SQL", widget=code_widget("sql"), strip=False)
    python = forms.CharField(required=False, label="Python", widget=code_widget("python"), strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = {SQL_QUERY: "query", SQL_SOURCE: "sql", PYTHON: "python"}.get(data.get("kind") or "")
        if needed and not (data.get(needed) or "").strip():
            self.add_error(needed, "Required for this kind of job.")
        return data

    def code_changes(self, current: Mapping[str, Any]) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        sql: dict[str, Any] | None = None
        python: dict[str, Any] | None = None
        if kind == SQL_QUERY:
            sql = {"queryId": data["query"], "source": None}
        elif kind == SQL_SOURCE:
            sql = {"source": data["sql"], "queryId": None}
        else:
            python = {"source": data["python"]}
        config: dict[str, Any] = {}
        if sql is None:
            if current.get("sql") is not None:
                config["sql"] = None
        elif patch := _patch(current.get("sql") or {}, sql):
            config["sql"] = patch
        if python is None:
            if current.get("python") is not None:
                config["python"] = None
        elif patch := _patch(current.get("python") or {}, python):
            config["python"] = patch
        return {"config": config} if config else {}


class ComputeForm(JobStepForm):
    cluster = forms.ChoiceField(help_text="An active cluster you may use.")
    execution_mode = forms.ChoiceField(
        required=False, choices=[("", "Default (standalone)"), *ExecutionMode.choices], label="Execution mode"
    )
    workers = forms.IntegerField(required=False, min_value=1, help_text="Cluster mode: Sail workers.")
    worker_instance_type = forms.CharField(
        required=False, max_length=64, label="Worker instance type", help_text="Local clusters: local.<n>cpu."
    )
    max_retries = forms.IntegerField(required=False, min_value=0, max_value=MAX_RETRIES, label="Retries")
    timeout_seconds = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_TIMEOUT_SECONDS, label="Timeout (seconds)", help_text="Empty: none."
    )

    def compute_changes(self, current: JobVersion | None) -> dict[str, Any]:
        data = self.cleaned_data
        config = current.config if current else {}
        changes: dict[str, Any] = {}
        if current is None or current.cluster_id != data["cluster"]:
            changes["clusterId"] = data["cluster"]
        if current is None or current.timeout_seconds != data["timeout_seconds"]:
            changes["timeoutSeconds"] = data["timeout_seconds"]
        patch: dict[str, Any] = {}
        worker = (config.get("compute") or {}).get("worker") or {}
        wanted = {"maxNodes": data["workers"], "instanceType": data["worker_instance_type"] or None}
        if worker_patch := _patch(worker, wanted):
            patch["compute"] = {"worker": worker_patch}
        lakesail = config.get("lakesail") or {}
        wanted = {"executionMode": data["execution_mode"] or None, "maxRetries": data["max_retries"]}
        if lakesail_patch := _patch(lakesail, wanted):
            patch["lakesail"] = lakesail_patch
        if patch:
            changes["config"] = patch
        return changes


class ScheduleForm(JobStepForm):
    cron_expression = forms.CharField(
        required=False,
        max_length=120,
        label="Cron expression",
        help_text="Five fields (minute hour day month weekday) or @daily; empty: runs only when started.",
    )
    cron_timezone = forms.CharField(
        max_length=64, initial="UTC", label="Time zone", help_text="An IANA name, such as America/New_York."
    )
    concurrency_policy = forms.ChoiceField(
        choices=ConcurrencyPolicy.choices, initial=ConcurrencyPolicy.SKIP, label="When runs overlap"
    )
    max_concurrent_runs = forms.IntegerField(
        min_value=1, max_value=MAX_CONCURRENT_RUNS, initial=1, label="Concurrent runs at most"
    )
    missed_schedule_policy = forms.ChoiceField(
        choices=MissedSchedulePolicy.choices, initial=MissedSchedulePolicy.LATEST, label="Missed fire times"
    )

    def schedule_changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "cronExpression": data["cron_expression"].strip() or None,
            "cronTimezone": data["cron_timezone"].strip(),
            "concurrencyPolicy": data["concurrency_policy"],
            "maxConcurrentRuns": data["max_concurrent_runs"],
            "missedSchedulePolicy": data["missed_schedule_policy"],
        }


class DependenciesForm(JobStepForm):
    depends_on = forms.MultipleChoiceField(
        required=False,
        label="Runs after",
        widget=forms.CheckboxSelectMultiple,
        help_text="Jobs whose runs this one waits for.",
    )

    def dependency_changes(self) -> dict[str, Any]:
        return {"dependsOn": [{"jobKey": key} for key in self.cleaned_data["depends_on"]]}


class TeamsForm(JobStepForm):
    teams = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, help_text="At least one: their members may see and run the job."
    )


class DraftForm(CodeForm, ComputeForm, ScheduleForm, DependenciesForm):
    """The draft editor: every part of a version on one page."""

    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def changes(self, draft: JobVersion) -> dict[str, Any]:
        changes: dict[str, Any] = {
            **self.schedule_changes(),
            **self.dependency_changes(),
            "description": self.cleaned_data["description"],
        }
        compute = self.compute_changes(draft)
        code = self.code_changes(draft.config)
        config = {**compute.pop("config", {}), **code.get("config", {})}
        changes.update(compute)
        if config:
            changes["config"] = config
        return changes


def version_initial(version: JobVersion) -> dict[str, Any]:
    """A version's fields as the editor's initial values."""
    config = version.config
    sql, python = config.get("sql") or {}, config.get("python") or {}
    worker = (config.get("compute") or {}).get("worker") or {}
    lakesail = config.get("lakesail") or {}
    return {
        "kind": PYTHON if python.get("source") else SQL_QUERY if sql.get("queryId") else SQL_SOURCE,
        "query": sql.get("queryId") or "",
        "sql": sql.get("source") or "",
        "python": python.get("source") or "",
        "cluster": version.cluster_id or "",
        "execution_mode": lakesail.get("executionMode") or "",
        "workers": worker.get("maxNodes"),
        "worker_instance_type": worker.get("instanceType") or "",
        "max_retries": lakesail.get("maxRetries"),
        "timeout_seconds": version.timeout_seconds,
        "cron_expression": version.cron_expression or "",
        "cron_timezone": version.cron_timezone,
        "concurrency_policy": version.concurrency_policy,
        "max_concurrent_runs": version.max_concurrent_runs,
        "missed_schedule_policy": version.missed_schedule_policy,
        "depends_on": [item.get("jobKey") for item in version.depends_on if isinstance(item, Mapping)],
        "description": version.description,
    }


def draft_form_error(form: forms.Form, exc: ApplicationError) -> None:
    fields = {}
    for wire in exc.field_errors:
        _step, field = step_of(wire)
        if field:
            fields[wire] = field
    add_service_error(form, exc, fields)
