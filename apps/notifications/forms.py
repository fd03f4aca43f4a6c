"""Console forms: the same fields as the API's bodies, turned into the services' arguments."""

import copy
import re
from datetime import timedelta
from typing import Any

from django import forms

from apps.core import clock
from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.core.principal import Principal
from apps.notifications.access import MANAGE
from apps.notifications.catalog import ANY_RESOURCE, RESOURCE_TYPES, catalog
from apps.notifications.models import Channel, ChannelType, DeliveryMode, NotificationStatus, Rule, ScopeType
from apps.notifications.services.rules import timezones
from apps.org.access import grants
from apps.org.models import Member, Team

# Wire names in the services' errors (indexes and sub-keys dropped) → form fields.
FORM_FIELDS = {
    "teamId": "owner",
    "memberId": "owner",
    "configWrite.url": "url",
    "configWrite.secret": "secret",
    "configWrite.headers": "headers",
    "configWrite.routingKey": "routing_key",
    "configWrite.memberId": "member",
    "configWrite.teamId": "owner",
    "configWrite.email": "member",
    "resourceType": "resource_type",
    "eventTypes": "event_types",
    "scopeType": "scope_type",
    "scopeId": "scope_id",
    "channelIds": "channels",
    "deliveryMode": "delivery_mode",
    "digestTime": "digest_time",
    "digestTimezone": "digest_timezone",
    "digestDayOfWeek": "digest_day_of_week",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYS = [("", "Every day"), *((str(i), day) for i, day in enumerate(WEEKDAYS))]


def _form_key(wire: str) -> str:
    """`eventTypes[2]` → `eventTypes`, `configWrite.headers.X-Key` → `configWrite.headers`."""
    if wire.startswith("configWrite.headers."):
        return "configWrite.headers"
    return re.sub(r"\[\d+\]$", "", wire)


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    """A service's error on a notifications form, each field error on the field it is about."""
    shown = copy.copy(exc)
    shown.field_errors = {_form_key(k): v for k, v in exc.field_errors.items()}
    add_service_error(form, shown, FORM_FIELDS)


def owner_choices(principal: Principal) -> list[tuple[str, str]]:
    """Whose channel or rule the principal may create: their own, the organization's, their managed teams'."""
    held = grants(principal)
    choices = [("me", "Me (personal)")] if principal.member is not None else []
    teams = Team.objects.filter(organization=principal.org).order_by("name")
    if MANAGE in held.org_wide:
        choices.append(("org", "The organization"))
    else:
        teams = teams.filter(pk__in=held.teams_with(MANAGE))
    return choices + [(f"team:{t.pk}", f"Team {t.name}") for t in teams]


def parse_owner(principal: Principal, value: str) -> tuple[str | None, str | None]:
    """(team_id, member_id) of an owner choice."""
    if value == "me":
        return None, principal.member.pk if principal.member else None
    if value.startswith("team:"):
        return value.removeprefix("team:"), None
    return None, None


class ChannelForm(forms.Form):
    """One form for every channel type; the fields of other types are removed (`type`), secrets never shown."""

    name = forms.CharField(max_length=200)
    owner = forms.ChoiceField(label="Owner")
    member = forms.ChoiceField(label="Send to", required=False, help_text="Email: a member; default: the owner.")
    url = forms.CharField(label="URL", max_length=2000, required=False)
    secret = forms.CharField(
        label="Signing secret",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current one (or, for a new webhook, to have one generated).",
    )
    headers = forms.CharField(
        label="Custom headers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Name: value, one a line",
    )
    routing_key = forms.CharField(label="Routing key", required=False, widget=forms.PasswordInput(render_value=False))

    FIELDS_BY_TYPE = {
        ChannelType.EMAIL: {"member"},
        ChannelType.WEBHOOK: {"url", "secret", "headers"},
        ChannelType.SLACK: {"url"},
        ChannelType.PAGERDUTY: {"routing_key"},
    }

    def __init__(self, *args: Any, principal: Principal, channel_type: str, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.channel_type, self.editing = channel_type, editing
        kept = {"name", *(() if editing else ("owner",)), *self.FIELDS_BY_TYPE[ChannelType(channel_type)]}
        for name in set(self.fields) - kept:
            del self.fields[name]
        if "owner" in self.fields:
            self.fields["owner"].choices = owner_choices(principal)
        if "member" in self.fields:
            members = Member.objects.filter(organization=principal.org, is_enabled=True).order_by("name", "email")
            self.fields["member"].choices = [("", "The owner"), *((m.pk, f"{m.name} <{m.email}>") for m in members)]
        if channel_type == ChannelType.SLACK:
            self.fields["url"].label = "Incoming webhook URL"
            self.fields["url"].widget = forms.PasswordInput(render_value=False)
        if editing and "url" in self.fields:
            self.fields["url"].help_text = "Leave empty to keep the current one."

    def clean_headers(self) -> dict[str, str] | None:
        text = self.cleaned_data.get("headers") or ""
        if not text.strip():
            return None
        headers = {}
        for line in text.strip().splitlines():
            name, sep, value = line.partition(":")
            if not sep:
                raise forms.ValidationError(f"Not a header line: {line!r} (Name: value).")
            headers[name.strip()] = value.strip()
        return headers

    def config_write(self) -> dict[str, Any]:
        """configWrite as the API takes it: empty fields left out (an edit keeps what they hold)."""
        data = self.cleaned_data
        write: dict[str, Any] = {}
        for field, key in (("url", "url"), ("secret", "secret"), ("routing_key", "routingKey"), ("member", "memberId")):
            if data.get(field):
                write[key] = data[field]
        if data.get("headers") is not None:
            write["headers"] = data["headers"]
        return write


class RuleForm(forms.Form):
    name = forms.CharField(max_length=200)
    owner = forms.ChoiceField(label="Owner")
    resource_type = forms.ChoiceField(
        label="Resource type", choices=[*((k, v[0]) for k, v in RESOURCE_TYPES.items()), (ANY_RESOURCE, "Any")]
    )
    event_types = forms.MultipleChoiceField(
        label="Event types",
        widget=forms.CheckboxSelectMultiple,
        choices=[(e.key, f"{e.label}{' (shortcut)' if e.is_shortcut else ''}") for e in catalog()],
    )
    scope_type = forms.ChoiceField(label="Scope", choices=ScopeType.choices)
    scope_id = forms.CharField(label="Scope id", required=False, max_length=20, help_text="A team, or a resource's id")
    channels = forms.MultipleChoiceField(label="Channels", widget=forms.CheckboxSelectMultiple)
    delivery_mode = forms.ChoiceField(label="Delivery", choices=DeliveryMode.choices)
    digest_time = forms.TimeField(label="Digest time", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    digest_timezone = forms.ChoiceField(label="Digest time zone", required=False)
    digest_day_of_week = forms.TypedChoiceField(
        label="Digest day", choices=DAYS, required=False, coerce=int, empty_value=None
    )
    only_on_state_change = forms.BooleanField(label="Only when the state changes", required=False)
    only_after_last_retry = forms.BooleanField(label="Only after the last retry", required=False)
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, principal: Principal, channels: list[Channel], rule: Rule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule is not None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = owner_choices(principal)
        self.fields["channels"].choices = [(c.pk, f"{c.name} ({c.type})") for c in channels]
        self.fields["digest_timezone"].choices = [("", "—"), *((z, z) for z in sorted(timezones()))]

    def spec_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("owner", None)
        data["channel_ids"] = data.pop("channels")
        data["digest_timezone"] = data.get("digest_timezone") or ""
        return data


def rule_initial(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "resource_type": rule.resource_type,
        "event_types": rule.event_types,
        "scope_type": rule.scope_type,
        "scope_id": rule.scope_id,
        "channels": [link.channel_id for link in rule.channel_links.all()],
        "delivery_mode": rule.delivery_mode,
        "digest_time": rule.digest_time,
        "digest_timezone": rule.digest_timezone,
        "digest_day_of_week": "" if rule.digest_day_of_week is None else str(rule.digest_day_of_week),
        "only_on_state_change": rule.only_on_state_change,
        "only_after_last_retry": rule.only_after_last_retry,
        "enabled": rule.enabled,
    }


MUTE_FOR = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


class MuteForm(forms.Form):
    """Mute for an hour, a day, until a time; or unmute."""

    duration = forms.ChoiceField(choices=[("hour", "1 hour"), ("day", "1 day"), ("until", "Until"), ("off", "Unmute")])
    until = forms.DateTimeField(
        required=False, label="Until (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        duration = data.get("duration")
        if duration == "until" and not data.get("until"):
            self.add_error("until", "Pick the time the mute ends.")
        elif duration in MUTE_FOR:
            data["until"] = clock.now() + MUTE_FOR[duration]
        elif duration == "off":
            data["until"] = None
        return data


class LogFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *NotificationStatus.choices])
    channel = forms.ChoiceField(required=False, label="Channel")
    rule = forms.ChoiceField(required=False, label="Rule")
    after = forms.DateTimeField(
        required=False, label="From (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    before = forms.DateTimeField(
        required=False, label="Until (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, channels: list[Channel], rules: list[Rule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "Any channel"), *((c.pk, c.name) for c in channels)]
        self.fields["rule"].choices = [("", "Any rule"), *((r.pk, r.name) for r in rules)]
