"""Checks shared by the infra services: names, provider lookups, provider-specific configuration errors."""

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.db.models import Model, QuerySet

from apps.core.errors import Conflict, InvalidInput
from apps.infra.providers.base import Provider, ProviderError, provider_for, providers


def clean_name(name: str, *, taken: QuerySet[Model], what: str) -> str:
    """A trimmed, non-empty name that no row of `taken` (already scoped to where names must differ) has."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(f"A {what} needs a name.", field_errors={"name": "Required."})
    if taken.filter(name__iexact=name).exists():
        raise Conflict(
            f"A {what} named {name!r} exists.", code=f"{what}_exists", field_errors={"name": "Already taken."}
        )
    return name


def registered_provider(key: str) -> Provider:
    try:
        return provider_for(key)
    except ProviderError as exc:
        known = ", ".join(p.key for p in providers())
        raise InvalidInput(
            f"Unknown provider {key!r}.", field_errors={"provider": f"Must be one of: {known}."}
        ) from exc


def raise_field_errors(errors: Mapping[str, str], *, prefix: str, message: str) -> None:
    if errors:
        raise InvalidInput(message, field_errors={f"{prefix}{key}": value for key, value in errors.items()})


def network_config_errors(config: Mapping[str, Any]) -> dict[str, str]:
    cidr = config.get("cidr")
    if cidr is None:
        return {}
    try:
        ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return {"cidr": "Not a CIDR block (e.g. 10.0.0.0/16)."}
    return {}


def cluster_config_errors(config: Mapping[str, Any]) -> dict[str, str]:
    group = config.get("systemNodeGroup") or {}
    errors = {}
    minimum, maximum, desired = group.get("minSize"), group.get("maxSize"), group.get("desiredSize")
    if minimum is not None and maximum is not None and minimum > maximum:
        errors["systemNodeGroup.maxSize"] = "Must be at least minSize."
    if desired is not None and minimum is not None and desired < minimum:
        errors["systemNodeGroup.desiredSize"] = "Must be at least minSize."
    if desired is not None and maximum is not None and desired > maximum:
        errors["systemNodeGroup.desiredSize"] = "Must be at most maxSize."
    for index, cidr in enumerate(config.get("publicAccessCidrs") or []):
        try:
            ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            errors[f"publicAccessCidrs[{index}]"] = "Not a CIDR block."
    return errors
