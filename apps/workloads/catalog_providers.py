"""Catalog providers: the options each takes on the wire, and the one translation of catalogs into Sail's `catalog.*`
configuration (the environment `SAIL_CATALOG__LIST`, `SAIL_CATALOG__DEFAULT_CATALOG`, `SAIL_CATALOG__DEFAULT_DATABASE`
through infra's `sail_environment`).

Every provider takes `initialDatabase` (the database unqualified table names resolve in); secrets (tokens) are
write-only: a response says `<name>Configured: true` instead.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apps.core.errors import InvalidInput
from apps.core.http import OutboundError, check_destination, check_url
from apps.workloads.models import Catalog, CatalogProvider

WRITE = "configWrite"
MAX_VALUE = 2000


@dataclass(frozen=True)
class Option:
    wire: str
    sail: str  # the key in Sail's `catalog.list` entry; "" when it is not one
    kind: str = "text"  # text, url (called by Sail: the outbound policy applies), list (of text)
    required: bool = False
    secret: bool = False
    choices: tuple[str, ...] = ()


INITIAL_DATABASE = Option("initialDatabase", "")
COMMENT = Option("initialDatabaseComment", "initial_database_comment")

OPTIONS: dict[str, tuple[Option, ...]] = {
    CatalogProvider.MEMORY: (Option("initialDatabase", "initial_database"), COMMENT),
    CatalogProvider.GLUE: (INITIAL_DATABASE, Option("region", "region"), Option("endpointUrl", "endpoint_url", "url")),
    CatalogProvider.ICEBERG_REST: (
        INITIAL_DATABASE,
        Option("uri", "uri", "url", required=True),
        Option("warehouse", "warehouse"),
        Option("prefix", "prefix"),
        Option("oauthAccessToken", "oauth_access_token", secret=True),
        Option("bearerAccessToken", "bearer_access_token", secret=True),
    ),
    CatalogProvider.UNITY: (
        INITIAL_DATABASE,
        Option("uri", "uri", "url"),
        Option("defaultCatalog", "default_catalog"),
        Option("token", "token", secret=True),
    ),
    CatalogProvider.ONELAKE: (
        INITIAL_DATABASE,
        Option("url", "url", required=True),
        Option("api", "api", choices=("iceberg", "delta")),
        Option("bearerToken", "bearer_token", secret=True),
    ),
    CatalogProvider.HMS: (INITIAL_DATABASE, Option("uris", "uris", "list", required=True)),
}


def _options(provider: str) -> dict[str, Option]:
    return {option.wire: option for option in OPTIONS[provider]}


def _checked_value(option: Option, value: Any, where: str) -> str | list[str]:
    if option.kind == "list":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidInput("Not a list of text.", field_errors={where: "A non-empty list of text values."})
        return [v.strip() for v in value]
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE:
        raise InvalidInput("Not a text value.", field_errors={where: f"Text of 1 to {MAX_VALUE} characters."})
    value = value.strip()
    if option.choices and value not in option.choices:
        raise InvalidInput("Not a valid choice.", field_errors={where: f"One of: {', '.join(option.choices)}."})
    if option.kind == "url":
        check_catalog_url(value, where)
    return value


def check_catalog_url(url: str, where: str) -> None:
    """Sail servers on the platform's hosts call these URLs: the console's outbound policy applies to them too."""
    try:
        check_url(url)
        check_destination(url)
    except OutboundError as exc:
        raise InvalidInput("The catalog URL is not allowed.", field_errors={where: str(exc)}) from exc


def checked_config(
    provider: str, config_write: Mapping[str, Any], *, config: Mapping[str, Any], secrets: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (config, secrets) after applying `config_write` as a merge patch to them: a key sent as null is unset,
    a key left out keeps its value. InvalidInput with wire paths (`configWrite.uri`) for what is not valid."""
    options = _options(provider)
    config, secrets = dict(config), dict(secrets)
    for key, value in config_write.items():
        option = options.get(key)
        where = f"{WRITE}.{key}"
        if option is None:
            known = ", ".join(options)
            raise InvalidInput(
                f"{key} is not an option of {provider} catalogs.",
                field_errors={where: f"Not an option of {provider} catalogs (they take: {known})."},
            )
        target = secrets if option.secret else config
        if value is None:
            target.pop(key, None)
        else:
            target[key] = _checked_value(option, value, where)
    missing = [o.wire for o in options.values() if o.required and o.wire not in config and o.wire not in secrets]
    if missing:
        raise InvalidInput(
            f"{provider} catalogs need {', '.join(missing)}.",
            field_errors={f"{WRITE}.{key}": f"Required for {provider} catalogs." for key in missing},
        )
    return config, secrets


def catalog_secrets(catalog: Catalog) -> dict[str, Any]:
    return json.loads(catalog.secrets) if catalog.secrets else {}


def wire_config(catalog: Catalog) -> dict[str, Any]:
    """`config` as responses show it: every option of the provider (null when unset), secrets as `<name>Configured`."""
    out: dict[str, Any] = {"initialDatabase": None, "initialDatabaseComment": None}
    secrets = catalog_secrets(catalog) if any(o.secret for o in OPTIONS[catalog.provider]) else {}
    for option in OPTIONS[catalog.provider]:
        if option.secret:
            out[f"{option.wire}Configured"] = option.wire in secrets
        else:
            out[option.wire] = catalog.config.get(option.wire)
    return out


def _database(name: str) -> list[str]:
    return [part for part in name.split(".") if part]


_NOT_SAIL_NAME = re.compile(r"[^a-z0-9_]+")


def sail_name(catalog: Catalog) -> str:
    """The catalog's name in SQL (`production_glue.sales.orders`): its name as a lower-case identifier."""
    name = _NOT_SAIL_NAME.sub("_", catalog.name.lower()).strip("_") or "catalog"
    return name if name[0].isalpha() else f"c_{name}"


def _entry(catalog: Catalog, name: str) -> dict[str, Any]:
    values = {**catalog.config, **catalog_secrets(catalog)}
    entry: dict[str, Any] = {"name": name, "type": catalog.provider}
    for option in OPTIONS[catalog.provider]:
        if option.sail and option.wire in values:
            value = values[option.wire]
            entry[option.sail] = _database(value) if option.sail == "initial_database" else value
    if catalog.provider == CatalogProvider.MEMORY and not entry.get("initial_database"):
        # Sail's memory catalog will not start without one; its own default catalog names "default".
        entry["initial_database"] = ["default"]
    return entry


def sail_catalog_config(
    catalogs: Sequence[Catalog], *, default: Catalog | None = None, database: str = ""
) -> dict[str, Any]:
    """Sail's configuration serving `catalogs`, `default` (else the first) as the current catalog, and `database`
    (else the default catalog's `initialDatabase`) as the current database. No catalogs: Sail's own memory catalog."""
    if not catalogs:
        return {}
    default = default or catalogs[0]
    names: dict[str, str] = {}
    entries = []
    for catalog in catalogs:
        base = sail_name(catalog)
        name, suffix = base, 2
        while name in names.values():
            name, suffix = f"{base}_{suffix}", suffix + 1
        names[catalog.pk] = name
        entries.append(_entry(catalog, name))
    config: dict[str, Any] = {"catalog.list": entries, "catalog.default_catalog": names[default.pk]}
    current = database or default.config.get("initialDatabase") or ""
    if current:
        config["catalog.default_database"] = _database(current)
    return config


def catalog_urls(catalog: Catalog) -> list[str]:
    return [catalog.config[o.wire] for o in OPTIONS[catalog.provider] if o.kind == "url" and o.wire in catalog.config]
