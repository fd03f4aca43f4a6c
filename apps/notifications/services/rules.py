"""Rules: which events (types, scope) go to which channels, immediately or in a digest, and how quietly.

A rule is checked whole, as it would be after the write (create, or the current rule with the patch applied),
so create and update apply one set of checks:

- `eventTypes`: catalog keys of the rule's `resourceType` (or any, for `resourceType: any`); shortcuts expand;
- scope: `organization` (no `scopeId`); `team` (`scopeId` a team; a team's rule watches its own team);
  `resource` (`scopeId` the watched resource: a job, a cluster, ...); `own_resources` (personal rules only);
- `channelIds`: channels the owner's rules may use: a personal rule its member's own channels, a team rule its
  team's, an organization rule the organization's and any team's; digests only to channels that take them;
- digests: `digestTime` and `digestTimezone` (an IANA name), `digestDayOfWeek` 0 (Monday) .. 6 or null (daily).
"""

import dataclasses
import re
from datetime import datetime, time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.db import transaction

from apps.core.ids import ID_PATTERN
from apps.core.principal import Principal
from apps.notifications import ruleset
from apps.notifications.access import require_manage, require_manage_object
from apps.notifications.catalog import ANY_RESOURCE, RESOURCE_TYPES, expand
from apps.notifications.models import Channel, DeliveryMode, Rule, RuleChannel, ScopeType
from apps.notifications.services.common import check_owner, clean_name, raise_errors, record
from apps.notifications.transports import transport_for
from apps.org.models import Team

MAX_CHANNELS = 20
_RESOURCE_ID = re.compile(ID_PATTERN)


@cache
def timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@dataclasses.dataclass
class RuleSpec:
    """A rule as it would be after the write, in the services' terms."""

    name: Any
    resource_type: Any
    scope_type: Any
    scope_id: Any = ""
    event_types: Any = dataclasses.field(default_factory=list)
    delivery_mode: Any = DeliveryMode.IMMEDIATE
    channel_ids: Any = dataclasses.field(default_factory=list)
    enabled: Any = True
    digest_time: time | None = None
    digest_timezone: Any = ""
    digest_day_of_week: Any = None
    muted_until: datetime | None = None
    only_on_state_change: Any = False
    only_after_last_retry: Any = False


def spec_of(rule: Rule) -> RuleSpec:
    return RuleSpec(
        name=rule.name,
        resource_type=rule.resource_type,
        scope_type=rule.scope_type,
        scope_id=rule.scope_id,
        event_types=list(rule.event_types),
        delivery_mode=rule.delivery_mode,
        channel_ids=list(rule.channel_links.values_list("channel_id", flat=True)),
        enabled=rule.enabled,
        digest_time=rule.digest_time,
        digest_timezone=rule.digest_timezone,
        digest_day_of_week=rule.digest_day_of_week,
        muted_until=rule.muted_until,
        only_on_state_change=rule.only_on_state_change,
        only_after_last_retry=rule.only_after_last_retry,
    )


def _check_scope(spec: RuleSpec, organization_id: str, team_id: str | None, member_id: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    scope_id = spec.scope_id or ""
    if spec.scope_type not in ScopeType.values:
        errors["scopeType"] = f"Must be one of: {', '.join(ScopeType.values)}."
    elif spec.scope_type in (ScopeType.ORGANIZATION, ScopeType.OWN_RESOURCES) and scope_id:
        errors["scopeId"] = f"Not used with scope {spec.scope_type}: leave it empty."
    elif spec.scope_type == ScopeType.OWN_RESOURCES and not member_id:
        errors["scopeType"] = "own_resources is for personal rules (memberId)."
    elif spec.scope_type == ScopeType.TEAM:
        if team_id and scope_id != team_id:
            errors["scopeId"] = "A team's rule watches its own team."
        elif not Team.objects.filter(organization_id=organization_id, pk=scope_id).exists():
            errors["scopeId"] = "No such team."
    elif spec.scope_type == ScopeType.RESOURCE:
        if spec.resource_type == ANY_RESOURCE:
            errors["resourceType"] = "A rule on one resource names its resource type."
        elif not isinstance(scope_id, str) or not _RESOURCE_ID.fullmatch(scope_id):
            errors["scopeId"] = "The id of the resource the rule watches."
    return errors


def _check_channels(spec: RuleSpec, organization_id: str, team_id: str | None, member_id: str | None) -> dict[str, str]:
    ids = spec.channel_ids
    if not isinstance(ids, list) or not ids or len(ids) > MAX_CHANNELS:
        return {"channelIds": f"Between 1 and {MAX_CHANNELS} channels."}
    found = {
        c.pk: c
        for c in Channel.objects.filter(organization_id=organization_id, pk__in=[i for i in ids if isinstance(i, str)])
    }
    errors: dict[str, str] = {}
    for index, channel_id in enumerate(ids):
        channel = found.get(channel_id) if isinstance(channel_id, str) else None
        where = f"channelIds[{index}]"
        if channel is None or channel.is_deleted:
            errors[where] = "No such channel."
        elif member_id and channel.member_id != member_id:
            errors[where] = "A personal rule sends to its member's own channels."
        elif team_id and channel.team_id != team_id:
            errors[where] = "A team's rule sends to the team's channels."
        elif not member_id and channel.member_id:
            errors[where] = "A personal channel takes its member's rules only."
        elif spec.delivery_mode == DeliveryMode.DIGEST and not transport_for(channel.type).supports_digest:
            errors[where] = f"A {channel.type} channel takes no digests."
    return errors


def _check_schedule(spec: RuleSpec) -> dict[str, str]:
    errors: dict[str, str] = {}
    if spec.delivery_mode not in DeliveryMode.values:
        errors["deliveryMode"] = "Must be immediate or digest."
    if spec.digest_timezone and spec.digest_timezone not in timezones():
        errors["digestTimezone"] = "An IANA time zone, such as Europe/Paris."
    if spec.digest_day_of_week is not None and spec.digest_day_of_week not in range(7):
        errors["digestDayOfWeek"] = "0 (Monday) to 6 (Sunday), or null for every day."
    if spec.delivery_mode == DeliveryMode.DIGEST:
        if spec.digest_time is None:
            errors["digestTime"] = "Required for a digest (HH:MM)."
        if not spec.digest_timezone:
            errors.setdefault("digestTimezone", "Required for a digest.")
    return errors


def _checked(spec: RuleSpec, organization_id: str, team_id: str | None, member_id: str | None) -> RuleSpec:
    errors: dict[str, str] = {}
    name = clean_name(spec.name, errors)
    if spec.resource_type not in (*RESOURCE_TYPES, ANY_RESOURCE):
        errors["resourceType"] = f"Must be one of: {', '.join((*RESOURCE_TYPES, ANY_RESOURCE))}."
        event_types: list[str] = []
    elif not isinstance(spec.event_types, list) or not spec.event_types:
        errors["eventTypes"] = "At least one event type."
        event_types = []
    else:
        event_types, type_errors = expand([str(k) for k in spec.event_types], spec.resource_type)
        errors.update(type_errors)
    errors.update(_check_scope(spec, organization_id, team_id, member_id))
    errors.update(_check_schedule(spec))
    errors.update(_check_channels(spec, organization_id, team_id, member_id))
    raise_errors(errors, "The rule is not valid.")
    return dataclasses.replace(spec, name=name, event_types=event_types, scope_id=spec.scope_id or "")


def _changes(rule: Rule, spec: RuleSpec) -> dict[str, Any]:
    return {
        "name": rule.name,
        "teamId": rule.team_id,
        "memberId": rule.member_id,
        "resourceType": rule.resource_type,
        "scopeType": rule.scope_type,
        "scopeId": rule.scope_id,
        "eventTypes": rule.event_types,
        "deliveryMode": rule.delivery_mode,
        "channelIds": sorted(spec.channel_ids),
        "enabled": rule.enabled,
        "mutedUntil": rule.muted_until,
    }


def _save(rule: Rule, spec: RuleSpec) -> None:
    for field in dataclasses.fields(RuleSpec):
        if field.name != "channel_ids":
            setattr(rule, field.name, getattr(spec, field.name))
    rule.save()
    ruleset.changed(rule.organization_id)
    RuleChannel.objects.filter(rule=rule).exclude(channel_id__in=spec.channel_ids).delete()
    RuleChannel.objects.bulk_create(
        [RuleChannel(rule=rule, channel_id=channel_id) for channel_id in spec.channel_ids], ignore_conflicts=True
    )


@transaction.atomic
def rule_create(
    *, principal: Principal, spec: RuleSpec, team_id: str | None = None, member_id: str | None = None
) -> Rule:
    require_manage(principal, team_id=team_id, member_id=member_id)
    assert principal.org is not None
    errors: dict[str, str] = {}
    check_owner(principal.org.pk, team_id, member_id, errors)
    raise_errors(errors, "The rule is not valid.")
    spec = _checked(spec, principal.org.pk, team_id or None, member_id or None)
    rule = Rule(organization=principal.org, team_id=team_id or None, member_id=member_id or None)
    _save(rule, spec)
    record("notification_rule.create", rule, "notification_rule", _changes(rule, spec))
    return rule


@transaction.atomic
def rule_update(*, principal: Principal, rule: Rule, **changes: Any) -> Rule:
    """Apply `changes` (RuleSpec field names; a field left out keeps its value, `mutedUntil: null` unmutes)."""
    require_manage_object(principal, rule)
    unknown = set(changes) - {f.name for f in dataclasses.fields(RuleSpec)}
    if unknown:
        raise TypeError(f"not rule fields: {sorted(unknown)}")
    spec = _checked(dataclasses.replace(spec_of(rule), **changes), rule.organization_id, rule.team_id, rule.member_id)
    _save(rule, spec)
    record("notification_rule.update", rule, "notification_rule", _changes(rule, spec))
    return rule


@transaction.atomic
def rule_delete(*, principal: Principal, rule: Rule) -> None:
    """Future events no longer match it; the deliveries it made stay in the log (without their rule)."""
    require_manage_object(principal, rule)
    rule_remove(rule=rule, reason="deleted")


def rule_remove(*, rule: Rule, reason: str) -> None:
    """Delete a rule (callers check the permission, or act for the system)."""
    record("notification_rule.delete", rule, "notification_rule", {"name": rule.name, "reason": reason})
    ruleset.changed(rule.organization_id)
    rule.delete()
