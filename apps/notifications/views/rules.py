"""Rules: the list, and one editor for new and existing rules (event types grouped by resource with the
shortcuts, scope, channels, digest schedule, noise controls), mute for 1 hour / 1 day / until, delete."""

from itertools import groupby

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.notifications.access import may_manage
from apps.notifications.catalog import RESOURCE_TYPES, catalog
from apps.notifications.forms import MuteForm, RuleForm, form_error, owner_choices, parse_owner, rule_initial
from apps.notifications.models import Rule
from apps.notifications.selectors.channels import channel_list
from apps.notifications.selectors.rules import RULE_LIST, rule_get, rule_list
from apps.notifications.services import rules as services

RULE_COLUMNS = (
    Column("Rule", "name"),
    Column("Resource", "resource"),
    Column("Events"),
    Column("Scope"),
    Column("Delivery", "mode"),
    Column("State"),
)


def _url(rule: Rule) -> str:
    return reverse("notifications-rule", args=[rule.pk])


def _event_groups() -> list[tuple[str, list]]:
    """The catalog grouped by resource type, each group's shortcuts with it (the editor's checkboxes)."""
    label = {**{k: v[0] for k, v in RESOURCE_TYPES.items()}, "any": "Any resource"}
    ordered = sorted(catalog(), key=lambda e: list(label).index(e.resource_type))
    return [(label[key], list(types)) for key, types in groupby(ordered, key=lambda e: e.resource_type)]


def _editor(request: HttpRequest, form: RuleForm, rule: Rule | None) -> HttpResponse:
    context = {
        "form": form,
        "rule": rule,
        "groups": _event_groups(),
        "mute_form": MuteForm() if rule else None,
        "can_manage": rule is None or may_manage(request.principal, rule),
    }
    return render(request, "notifications/rule_form.html", context)


@console_view
@require_http_methods(["GET"])
def rules_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    listing = console_list(
        request, rule_list(principal=principal), RULE_LIST, columns=RULE_COLUMNS, target="rule-table", noun="rule"
    )
    if listing.partial:
        return render(request, "notifications/_rule_table.html", {"list": listing})
    context = {"list": listing, "can_add": bool(owner_choices(principal))}
    return render(request, "notifications/rules.html", context)


@console_view
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    channels = list(channel_list(principal=principal))
    form = RuleForm(request.POST or None, principal=principal, channels=channels, initial={"enabled": True})

    def create(data: dict) -> Rule:
        team_id, member_id = parse_owner(principal, data["owner"])
        spec = services.RuleSpec(**form.spec_fields())
        return services.rule_create(principal=principal, spec=spec, team_id=team_id, member_id=member_id)

    return submit(
        request,
        form,
        create,
        done=lambda rule: succeeded(request, _url(rule), f"Rule {rule.name} created."),
        page=lambda f: _editor(request, f, None),
        errors=form_error,
    )


@console_view
@require_http_methods(["GET", "POST"])
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    principal = request.principal
    rule = rule_get(principal=principal, rule_id=rule_id)
    channels = list(channel_list(principal=principal))
    form = RuleForm(request.POST or None, principal=principal, channels=channels, rule=rule, initial=rule_initial(rule))
    return submit(
        request,
        form,
        lambda data: services.rule_update(principal=principal, rule=rule, **form.spec_fields()),
        done=lambda updated: succeeded(request, _url(updated), "Rule saved."),
        page=lambda f: _editor(request, f, rule),
        errors=form_error,
    )


@console_view
@require_POST
def rule_mute(request: HttpRequest, rule_id: str) -> HttpResponse:
    principal = request.principal
    rule = rule_get(principal=principal, rule_id=rule_id)
    form = MuteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return succeeded(request, _url(rule))
    until = form.cleaned_data["until"]
    services.rule_update(principal=principal, rule=rule, muted_until=until)
    return succeeded(request, _url(rule), f"Muted until {until:%Y-%m-%d %H:%M} UTC." if until else "Unmuted.")


@console_view
@require_POST
def rule_delete(request: HttpRequest, rule_id: str) -> HttpResponse:
    principal = request.principal
    rule = rule_get(principal=principal, rule_id=rule_id)
    services.rule_delete(principal=principal, rule=rule)
    return succeeded(request, "notifications-rules", f"Rule {rule.name} deleted.")
