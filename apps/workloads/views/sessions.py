"""Sessions in the console: the list with the open-session dialog, a session's page (how to connect from pyspark, a
token button), close and relaunch. The same selectors and services as the API."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.console import console_view, submit, succeeded
from apps.core.console_list import Column, console_list
from apps.core.htmx import is_partial
from apps.core.principal import Principal
from apps.org.access import grants, has
from apps.org.selectors.teams import team_list
from apps.workloads.models import EndpointType, Session, SessionStatus
from apps.workloads.proxy.tls import is_loopback
from apps.workloads.selectors.compute_configs import session_configs
from apps.workloads.selectors.session_settings import session_settings
from apps.workloads.selectors.sessions import SESSION_LIST, is_org_admin, is_owner, session_get, session_list
from apps.workloads.services import sessions as services
from apps.workloads.views.session_forms import OpenSessionForm, session_form_error

SESSION_COLUMNS = (
    Column("Session", "name"),
    Column("Status", "status"),
    Column("Owner"),
    Column("Team"),
    Column("Last activity", "activity"),
    Column("Cluster"),
    Column("Opened", "created"),
)
FILTERS = ("status", "team")


def pyspark_snippet(endpoint: str, token: str = "<token>") -> str:
    """What a data engineer pastes: pyspark-client as it is (a loopback endpoint is plaintext, others TLS)."""
    host = endpoint.rsplit(":", 1)[0]
    tls = "" if is_loopback(host) else ";use_ssl=true"
    return (
        "# pip install pyspark-client\n"
        "from pyspark.sql import SparkSession\n\n"
        f'spark = SparkSession.builder.remote("sc://{endpoint}/{tls};token={token}").getOrCreate()\n'
        'spark.sql("SELECT 1 AS ok").show()\n'
    )


def _may_open(principal: Principal) -> bool:
    return has(principal, "CanManageSessions") or bool(grants(principal).teams_with("CanManageSessions"))


def _open_form(request: HttpRequest, data: Any = None) -> OpenSessionForm:
    principal = request.principal  # type: ignore[attr-defined]
    limits = session_settings(org=principal.org, endpoint_type=EndpointType.SPARK_CONNECT)
    return OpenSessionForm(data, configs=list(session_configs(principal=principal)), limits=limits)


@console_view
def sessions_page(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    status = request.GET.get("status", "").strip()
    sessions = session_list(
        principal=principal,
        team_id=request.GET.get("team", "").strip() or None,
        status=status if status in SessionStatus.values else None,
    )
    listing = console_list(
        request,
        sessions,
        SESSION_LIST,
        columns=SESSION_COLUMNS,
        target="session-table",
        noun="session",
        filters=FILTERS,
    )
    if listing.partial:
        return render(request, "workloads/sessions_table.html", {"list": listing})
    context = {
        "list": listing,
        "statuses": SessionStatus.choices,
        "teams": team_list(principal=principal, relation="CanViewSessions").order_by("name"),
        "open_form": _open_form(request) if _may_open(principal) else None,
    }
    return render(request, "workloads/sessions.html", context)


@console_view
@require_POST
def session_open(request: HttpRequest) -> HttpResponse:
    principal = request.principal
    form = _open_form(request, request.POST)

    def page(form: OpenSessionForm) -> HttpResponse:
        template = "workloads/sessions_open_form.html" if is_partial(request) else "workloads/sessions_open.html"
        return render(request, template, {"open_form": form})

    return submit(
        request,
        form,
        lambda data: services.session_create(
            principal=principal,
            endpoint_type=EndpointType.SPARK_CONNECT,
            workload_config_id=data["compute_config"],
            name=data["name"],
            config=form.timeouts(),
            allow_shared=data["allow_shared"],
        ),
        done=lambda session: succeeded(request, _session_url(session), f"Session {session.name} opened."),
        page=page,
        errors=session_form_error,
    )


def _session_url(session: Session) -> str:
    return reverse("workloads-session", args=[session.pk])


def _detail(request: HttpRequest, session: Session, **extra: Any) -> HttpResponse:
    principal = request.principal  # type: ignore[attr-defined]
    owner = is_owner(principal, session)
    may_manage = has(principal, "CanManageSessions", team_ids=[session.team_id])
    team_admin = has(principal, "CanManageTeams", team_ids=[session.team_id])
    context = {
        "session": session,
        "snippet": pyspark_snippet(session.connection_info["grpcEndpoint"]) if session.connection_info else "",
        "can_close": session.is_open and may_manage and (owner or team_admin or is_org_admin(principal)),
        "can_relaunch": not session.is_open and may_manage and owner,
        **extra,
    }
    return render(request, "workloads/sessions_detail.html", context)


@console_view
def session_detail(request: HttpRequest, session_id: str) -> HttpResponse:
    return _detail(request, session_get(principal=request.principal, session_id=session_id))


@console_view
@require_POST
def session_token(request: HttpRequest, session_id: str) -> HttpResponse:
    """The token, shown once in the page, and the snippet with it filled in."""
    principal = request.principal
    token, expires_at = services.session_token_issue(principal=principal, session_id=session_id)
    session = session_get(principal=principal, session_id=session_id)
    issued = {"token": token, "expires_at": expires_at, "snippet": pyspark_snippet(_endpoint(session), token)}
    if is_partial(request):
        return render(request, "workloads/sessions_token.html", {"session": session, **issued})
    return _detail(request, session, issued=issued)


def _endpoint(session: Session) -> str:
    return session.connection_info["grpcEndpoint"] if session.connection_info else ""


@console_view
@require_POST
def session_close(request: HttpRequest, session_id: str) -> HttpResponse:
    session = services.session_close(principal=request.principal, session_id=session_id)
    return succeeded(request, _session_url(session), f"Session {session.name} closed.")


@console_view
@require_POST
def session_relaunch(request: HttpRequest, session_id: str) -> HttpResponse:
    session = services.session_relaunch(principal=request.principal, session_id=session_id)
    return succeeded(request, _session_url(session), f"Session {session.name} relaunched.")
