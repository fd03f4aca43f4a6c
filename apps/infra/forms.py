"""Console forms of the infra wizards: the API's request bodies as fields, turned into the services' arguments.

The services validate (names, provider configuration, node-group sizes); their field errors land on these fields
through `FORM_FIELDS` (wire name → form field).
"""

from typing import Any

from django import forms

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.infra.providers.base import InstanceType

FORM_FIELDS = {
    "providerConfig.accountId": "account_id",
    "providerConfig.region": "region",
    "roleArn": "role_arn",
    "providerConfig.roleArn": "role_arn",
    "config.cidr": "cidr",
    "networkId": "network",
    "config.systemNodeGroup.instanceTypes": "instance_type",
    "config.systemNodeGroup.minSize": "min_size",
    "config.systemNodeGroup.maxSize": "max_size",
    "config.systemNodeGroup.desiredSize": "desired_size",
    "config.systemNodeGroup.diskSizeGb": "disk_size_gb",
}

SINGLE, MULTI = "single", "multi"
ARCHITECTURES = [("", "Any"), ("x86_64", "x86_64"), ("arm64", "arm64")]


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    add_service_error(form, exc, FORM_FIELDS)


class ConnectionForm(forms.Form):
    """Step 2 of the connection wizard: a name, and for aws the account and its home region."""

    name = forms.CharField(max_length=200, help_text="How the console names this account, e.g. Production.")
    account_id = forms.CharField(
        label="AWS account id", max_length=12, help_text="12 digits: the account LakeSail provisions in."
    )
    region = forms.CharField(label="Home region", max_length=64, initial="us-east-1")

    def __init__(self, *args: Any, provider: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        if provider != "aws":
            del self.fields["account_id"], self.fields["region"]

    def provider_config(self) -> dict[str, str]:
        if self.provider != "aws":
            return {}
        return {"accountId": self.cleaned_data["account_id"].strip(), "region": self.cleaned_data["region"].strip()}


class VerifyForm(forms.Form):
    role_arn = forms.CharField(
        label="Role ARN",
        max_length=300,
        required=False,
        help_text="The RoleArn output of the stack you deployed, e.g. arn:aws:iam::123456789012:role/lakesail-….",
    )

    def __init__(self, *args: Any, provider: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provider == "aws":
            self.fields["role_arn"].required = True
        else:
            del self.fields["role_arn"]


class ConfirmNameForm(forms.Form):
    """A destructive action goes ahead only when the record's name is typed."""

    confirm_name = forms.CharField(max_length=200)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["confirm_name"].label = f"Type {expected} to confirm"

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"].strip()
        if typed != self.expected:
            raise forms.ValidationError(f"Type the name exactly: {self.expected}.")
        return typed


class NetworkForm(forms.Form):
    """A new network in the cluster wizard (its CIDR checked live as it is typed)."""

    name = forms.CharField(max_length=200, label="Network name")
    cidr = forms.CharField(
        label="CIDR", max_length=64, required=False, help_text="Optional. local: inside 127.0.0.0/8; aws: the VPC's."
    )

    def config(self) -> dict[str, str]:
        cidr = self.cleaned_data["cidr"].strip()
        return {"cidr": cidr} if cidr else {}


class ClusterForm(forms.Form):
    """The cluster step: engine, instance profile, node-group sizes (and, on aws, the nodes' disk)."""

    name = forms.CharField(max_length=200, label="Cluster name")
    engine_mode = forms.ChoiceField(
        label="Engine",
        choices=[(SINGLE, "Single process (Sail local mode)"), (MULTI, "Multi-worker (Sail local-cluster mode)")],
        initial=SINGLE,
        widget=forms.RadioSelect,
    )
    instance_type = forms.ChoiceField(label="Instance profile")
    min_size = forms.IntegerField(label="Minimum", min_value=0, max_value=1000, initial=1)
    max_size = forms.IntegerField(label="Maximum", min_value=1, max_value=1000, initial=2)
    desired_size = forms.IntegerField(label="Desired", min_value=1, max_value=1000, initial=2)
    disk_size_gb = forms.IntegerField(label="Disk (GB per node)", min_value=1, max_value=16384, initial=50)

    def __init__(self, *args: Any, provider: str, instance_types: list[InstanceType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["instance_type"].choices = [(t.id, instance_label(t)) for t in instance_types]
        if provider == "local":
            del self.fields["disk_size_gb"]  # Sail servers here write to the data directory
            for name in ("min_size", "max_size", "desired_size"):
                self.fields[name].required = False
                self.fields[name].help_text = "Workers, in multi-worker mode."
        else:
            del self.fields["engine_mode"]  # on aws, Sail runs in kubernetes-cluster mode on the node group

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("engine_mode") == SINGLE:
            data.update(min_size=1, max_size=1, desired_size=1)
        elif data.get("engine_mode") == MULTI and (data.get("desired_size") or 0) < 2:
            self.add_error("desired_size", "A multi-worker engine has at least 2 workers.")
        return data

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        group: dict[str, Any] = {"name": "system", "instanceTypes": [data["instance_type"]]}
        group.update(minSize=data["min_size"], maxSize=data["max_size"], desiredSize=data["desired_size"])
        if "disk_size_gb" in self.fields:
            group["diskSizeGb"] = data["disk_size_gb"]
        return {"systemNodeGroup": group}


def cluster_initial(config: dict[str, Any], name: str) -> dict[str, Any]:
    """A pending cluster's values back in the cluster step's fields (the wizard's way back from the review)."""
    group = config.get("systemNodeGroup") or {}
    types = group.get("instanceTypes") or [""]
    desired = group.get("desiredSize", 1)
    return {
        "name": name,
        "engine_mode": MULTI if desired > 1 else SINGLE,
        "instance_type": types[0],
        "min_size": group.get("minSize", 1),
        "max_size": group.get("maxSize", desired),
        "desired_size": desired,
        "disk_size_gb": group.get("diskSizeGb", 50),
    }


def instance_label(each: InstanceType) -> str:
    memory = f"{each.memory_mib / 1024:.1f}".removesuffix(".0")
    price = f", ${each.hourly_price_usd:g}/h" if each.hourly_price_usd is not None else ""
    gpus = f", {each.gpus} GPU" if each.gpus else ""
    return f"{each.id} ({each.vcpus} vCPU, {memory} GiB, {each.architecture}{gpus}{price})"
