"""The connection wizard (provider → name → aws: deploy the template → verify → done) and a connection's page
(verify again, its networks and clusters, delete), calling the same services and selectors as the API."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.errors import ApplicationError, Conflict
from apps.infra.forms import ConfirmNameForm, ConnectionForm, VerifyForm, form_error
from apps.infra.models import Connection, ConnectionStatus
from apps.infra.providers.base import providers
from apps.infra.selectors import provider_data
from apps.infra.selectors.clusters import provisioned_cluster_list
from apps.infra.selectors.connections import connection_get
from apps.infra.selectors.networks import network_get, network_list
from apps.infra.services import connections as services
from apps.infra.services import networks as network_services
from apps.org.access import has, require

PROVIDER_TEXT = {
    "local": "Sail servers on this machine: single-process or multi-worker. Nothing to set up; ready in seconds.",
    "aws": "EKS clusters in your AWS account, through a role you create with a CloudFormation template.",
}


def wizard_steps(provider: str, current: int) -> list[dict[str, Any]]:
    names = ["Provider", "Name", "Verify", "Done"]
    if provider == "aws":
        names = ["Provider", "Name and account", "Deploy the template", "Verify", "Done"]
    return [{"number": i, "name": name, "current": i == current} for i, name in enumerate(names, 1)]


def _url(connection: Connection) -> str:
    return reverse("infra-connection", args=[connection.pk])


@console_view
@require_http_methods(["GET", "POST"])
def connection_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (no provider yet): the providers, this machine first. Step 2: the name (aws: account and region)."""
    principal = request.principal  # type: ignore[attr-defined]
    require(principal, "CanManageConnections")
    provider = request.GET.get("provider", "")
    if not provider:
        choices = sorted(providers(), key=lambda p: (p.key != "local", p.key))
        cards = [{"key": p.key, "label": p.label, "text": PROVIDER_TEXT.get(p.key, "")} for p in choices]
        return render(request, "infra/connection_new.html", {"providers": cards, "steps": wizard_steps("", 1)})
    if provider not in {p.key for p in providers()}:
        raise Http404("No such provider.")
    form = ConnectionForm(request.POST if request.method == "POST" else None, provider=provider)
    return submit(
        request,
        form,
        lambda data: services.connection_create(
            principal=principal, name=data["name"], provider=provider, provider_config=form.provider_config()
        ),
        done=lambda connection: succeeded(request, reverse("infra-connection-setup", args=[connection.pk])),
        page=lambda f: render(
            request,
            "infra/connection_new.html",
            {"form": f, "provider": provider, "steps": wizard_steps(provider, 2)},
        ),
        errors=form_error,
    )


@console_view
@require_http_methods(["GET", "POST"])
def connection_setup(request: HttpRequest, connection_id: str) -> HttpResponse:
    """aws: deploy the template (quick launch, YAML, parameters), then verify with the role ARN; local: verify."""
    principal = request.principal  # type: ignore[attr-defined]
    connection = connection_get(principal=principal, connection_id=connection_id)
    require(principal, "CanManageConnections", connection)
    form = VerifyForm(request.POST if request.method == "POST" else None, provider=connection.provider)
    template = (
        provider_data.connection_template(principal=principal, connection=connection)
        if connection.provider == "aws"
        else None
    )

    def page(f: VerifyForm) -> HttpResponse:
        steps = wizard_steps(connection.provider, 4 if connection.provider == "aws" else 3)
        context = {"connection": connection, "form": f, "template": template, "steps": steps}
        return render(request, "infra/connection_setup.html", context)

    def done(verified: Connection) -> HttpResponse:
        if verified.status != ConnectionStatus.ACTIVE:
            form.add_error(None, f"Verification failed: {verified.status_message}")
            return page(form)
        return succeeded(request, _url(verified), f"{verified.name} is verified: {verified.status_message}")

    return submit(
        request,
        form,
        lambda data: services.connection_verify(
            principal=principal, connection=connection, role_arn=data.get("role_arn") or None
        ),
        done=done,
        page=page,
        errors=form_error,
    )


@console_view
@require_GET
def connection_template_download(request: HttpRequest, connection_id: str) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    connection = connection_get(principal=principal, connection_id=connection_id)
    template = provider_data.connection_template(principal=principal, connection=connection)
    response = HttpResponse(template.body, content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lakesail-connection-{connection.pk}.yaml"'
    return response


def connection_page(
    request: HttpRequest,
    connection: Connection,
    *,
    delete_form: ConfirmNameForm | None = None,
    network_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The connection's page; a refused delete or network action shows its message where it happened."""
    principal = request.principal  # type: ignore[attr-defined]
    networks = list(network_list(principal=principal, connection=connection))
    clusters = list(provisioned_cluster_list(principal=principal, connection=connection).select_related("network"))
    can_manage = has(principal, "CanManageConnections")
    context = {
        "connection": connection,
        "networks": networks,
        "clusters": clusters,
        "can_manage": can_manage,
        "can_manage_networks": has(principal, "CanManageNetworks"),
        "can_add_cluster": has(principal, "CanManageClusters") and connection.status == ConnectionStatus.ACTIVE,
        "delete_form": delete_form or (ConfirmNameForm(expected=connection.name) if can_manage else None),
        "network_error": network_error,
    }
    return render(request, "infra/connection_detail.html", context, status=status)


@console_view
@require_GET
def connection_detail(request: HttpRequest, connection_id: str) -> HttpResponse:
    return connection_page(request, connection_get(principal=request.principal, connection_id=connection_id))  # type: ignore[attr-defined]


@console_view
@require_POST
def connection_delete(request: HttpRequest, connection_id: str) -> HttpResponse:
    """Typed-name confirmation; a connection that still provisions something is refused (409, named)."""
    principal = request.principal  # type: ignore[attr-defined]
    connection = connection_get(principal=principal, connection_id=connection_id)
    form = ConfirmNameForm(request.POST, expected=connection.name)
    refused: list[ApplicationError] = []

    def errors(f: ConfirmNameForm, exc: ApplicationError) -> None:
        refused.append(exc)
        f.add_error(None, exc.message)

    return submit(
        request,
        form,
        lambda data: services.connection_delete(principal=principal, connection=connection),
        done=lambda _: succeeded(request, "infra", f"Connection {connection.name} deleted."),
        page=lambda f: connection_page(
            request, connection, delete_form=f, status=refused[0].status if refused else 200
        ),
        errors=errors,
    )


@console_view
@require_POST
def network_destroy(request: HttpRequest, network_id: str) -> HttpResponse:
    """Destroy a network's infrastructure (refused, 409, while clusters use it); its progress page follows."""
    return _network_action(request, network_id, destroy=True)


@console_view
@require_POST
def network_delete(request: HttpRequest, network_id: str) -> HttpResponse:
    """Delete a network record with nothing left in the provider (refused, 409, otherwise)."""
    return _network_action(request, network_id, destroy=False)


def _network_action(request: HttpRequest, network_id: str, *, destroy: bool) -> HttpResponse:
    """Both need the network's name typed; a refusal shows on the connection's page beside its networks."""
    principal = request.principal  # type: ignore[attr-defined]
    network = network_get(principal=principal, network_id=network_id)
    confirmation = ConfirmNameForm(request.POST, expected=network.name)
    if not confirmation.is_valid():
        message = f"Type {network.name} to confirm."
        return connection_page(request, network.connection, network_error=message, status=400)
    try:
        if destroy:
            operation = network_services.network_destroy(principal=principal, network=network)
        else:
            network_services.network_delete(principal=principal, network=network)
    except Conflict as exc:
        return connection_page(request, network.connection, network_error=exc.message, status=exc.status)
    if destroy:
        return succeeded(request, reverse("infra-operation", args=[operation.pk]))
    return succeeded(request, _url(network.connection), f"Network {network.name} deleted.")
