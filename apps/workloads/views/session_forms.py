"""Console forms of sessions and compute configs, and where the services' wire field errors land on them."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.workloads.models import ComputeConfig, ExecutionMode, WorkloadType
from apps.workloads.selectors.session_settings import SessionSettings

SESSION_FIELDS = {
    "workloadConfigId": "compute_config",
    "name": "name",
    "config.idleTimeoutSeconds": "idle_timeout",
    "config.idleCloseDelaySeconds": "idle_close_delay",
    "config.maxDurationSeconds": "max_duration",
}
CONFIG_FIELDS = {
    "name": "name",
    "teamId": "team",
    "clusterId": "cluster",
    "workloadType": "workload_type",
    "config.sail.executionMode": "execution_mode",
    "config.sail.compute.worker.maxNodes": "workers",
    "config.sail.compute.worker.instanceType": "worker_instance_type",
    "endpointLimits.spark_connect": "session_limit",
}


def session_form_error(form: forms.Form, exc: ApplicationError) -> None:
    add_service_error(form, exc, SESSION_FIELDS)


def config_form_error(form: forms.Form, exc: ApplicationError) -> None:
    # Every problem of an extra variable belongs to the one text box that holds them all.
    fields = {
        **CONFIG_FIELDS,
        **{key: "extra_env" for key in exc.field_errors if key.startswith("config.sail.extraEnv")},
    }
    add_service_error(form, exc, fields)


class OpenSessionForm(forms.Form):
    compute_config = forms.ChoiceField(label="Compute config")
    name = forms.CharField(max_length=200, required=False, help_text="Default: the compute config's name.")
    idle_timeout = forms.IntegerField(label="Idle after (seconds without a call)", min_value=1)
    idle_close_delay = forms.IntegerField(label="Then closed after (seconds)", min_value=0)
    max_duration = forms.IntegerField(label="Closed at the latest after (seconds)", min_value=1)
    allow_shared = forms.BooleanField(
        required=False, label="Share a running compatible server", help_text="Starts faster; Spark sessions stay apart."
    )

    def __init__(self, *args: Any, configs: list[ComputeConfig], limits: SessionSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compute_config"].choices = [
            (c.pk, f"{c.name} · {c.team.name} · {c.cluster.name}") for c in configs
        ]
        for name, key in (
            ("idle_timeout", "idleTimeoutSeconds"),
            ("idle_close_delay", "idleCloseDelaySeconds"),
            ("max_duration", "maxDurationSeconds"),
        ):
            field, maximum = self.fields[name], limits.maximums[key]
            field.initial = limits.defaults[key]
            field.validators.append(MaxValueValidator(maximum))
            field.widget.attrs["max"] = maximum
            field.help_text = f"At most {maximum} (the organization's maximum)."

    def timeouts(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            "idleTimeoutSeconds": data["idle_timeout"],
            "idleCloseDelaySeconds": data["idle_close_delay"],
            "maxDurationSeconds": data["max_duration"],
        }


class ComputeConfigForm(forms.Form):
    """The editor: a new config names its team, cluster and type; those never change afterwards."""

    name = forms.CharField(max_length=200)
    team = forms.ChoiceField()
    cluster = forms.ChoiceField()
    workload_type = forms.ChoiceField(label="For", choices=WorkloadType.choices, initial=WorkloadType.SPARK_CONNECT)
    execution_mode = forms.ChoiceField(choices=ExecutionMode.choices, initial=ExecutionMode.STANDALONE)
    workers = forms.IntegerField(
        required=False, min_value=1, help_text="Cluster mode: the number of Sail workers (default 2)."
    )
    worker_instance_type = forms.CharField(
        required=False, max_length=64, label="Worker instance type", help_text="Local clusters: local.<n>cpu."
    )
    extra_env = forms.CharField(
        required=False,
        label="Extra Sail settings",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="One SAIL_KEY=value per line, e.g. SAIL_EXECUTION__BATCH_SIZE=8192.",
    )
    session_limit = forms.IntegerField(
        required=False, min_value=0, label="Open sessions at most", help_text="0 or empty: no limit of its own."
    )
    is_default = forms.BooleanField(
        required=False,
        label="The team's default of this type",
        help_text="What a session uses when it names no config; to change it, make another config the default.",
    )

    def __init__(
        self, *args: Any, teams: list[tuple[str, str]], clusters: list[tuple[str, str]], editing: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = teams
        self.fields["cluster"].choices = clusters
        if editing:
            for name in ("team", "cluster", "workload_type"):
                del self.fields[name]
        else:
            del self.fields["is_default"]

    def clean_extra_env(self) -> dict[str, str]:
        variables = {}
        for number, line in enumerate(self.cleaned_data["extra_env"].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"Line {number}: write NAME=value.")
            variables[key.strip()] = value.strip()
        return variables

    def wire_config(self, current: dict[str, Any] | None = None) -> dict[str, Any]:
        """The wire `config` with the editor's fields set; what the editor does not show is kept."""
        data = self.cleaned_data
        sail = dict((current or {}).get("sail") or {})
        compute = dict(sail.get("compute") or {})
        worker = {**(compute.get("worker") or {}), "maxNodes": data["workers"]}
        worker["instanceType"] = data["worker_instance_type"] or None
        compute["worker"] = {key: value for key, value in worker.items() if value is not None}
        sail.update(executionMode=data["execution_mode"], compute=compute, extraEnv=data["extra_env"])
        return {**(current or {}), "sail": sail}

    def endpoint_limits(self) -> dict[str, int]:
        limit = self.cleaned_data["session_limit"]
        return {"spark_connect": limit} if limit else {}

    @staticmethod
    def initial_for(config: ComputeConfig) -> dict[str, Any]:
        sail = config.sail
        worker = (sail.get("compute") or {}).get("worker") or {}
        return {
            "name": config.name,
            "execution_mode": sail.get("executionMode") or ExecutionMode.STANDALONE,
            "workers": worker.get("maxNodes"),
            "worker_instance_type": worker.get("instanceType") or "",
            "extra_env": "\n".join(f"{k}={v}" for k, v in (sail.get("extraEnv") or {}).items()),
            "session_limit": config.endpoint_limits.get("spark_connect"),
            "is_default": config.is_default,
        }
