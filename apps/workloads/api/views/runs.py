from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import Page, list_body
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import InvalidInput
from apps.org.api.base import OrgApiView
from apps.workloads.api.serializers.runs import (
    JobCostSerializer,
    JobRunDescribedSerializer,
    JobRunListSerializer,
    JobRunSerializer,
    RunCreateSerializer,
    RunLogSerializer,
    RunResultSetSerializer,
    RunRetrySerializer,
)
from apps.workloads.api.views.common import MARKER_PARAMS, TAGS
from apps.workloads.models import JobRun, JobRunStatus, RunTrigger
from apps.workloads.selectors.jobs import job_get
from apps.workloads.selectors.runs import (
    LOG_STREAMS,
    RunFilters,
    cost_period,
    job_cost,
    my_runs_page,
    run_get,
    run_job_get,
    run_list_page,
    run_log,
    run_results,
    run_timeline,
)
from apps.workloads.services import runs as services

FILTER_PARAMS = [
    OpenApiParameter("status", str, enum=JobRunStatus.values, many=True, explode=False, description="(designed)"),
    OpenApiParameter("trigger", str, enum=RunTrigger.values, many=True, explode=False, description="(designed)"),
    OpenApiParameter("createdAfter", OpenApiTypes.DATETIME, description="Runs created at or after it (designed)"),
    OpenApiParameter("createdBefore", OpenApiTypes.DATETIME, description="Runs created before it (designed)"),
    OpenApiParameter(
        "jobVersion", {"type": "integer", "minimum": 1, "maximum": 999_999_999}, description="Runs of this version"
    ),
]
RUN_ERRORS = {404: ErrorSerializer, 409: ErrorSerializer}


def described(run: JobRun, *, status: int = 200) -> Response:
    """A run as its GET shows it: its fields and its timeline."""
    run.timeline = run_timeline(run=run)
    return Response(dump(JobRunDescribedSerializer, run), status=status)


def run_page(page: Page) -> Response:
    return Response(list_body(page, dump(JobRunSerializer, page.objects, many=True)))


class MyRunsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List my job runs",
        parameters=MARKER_PARAMS + FILTER_PARAMS,
        responses={200: JobRunListSerializer},
    )
    def get(self, request: Request) -> Response:
        """The runs of every job the caller may see (CanViewJobs), newest first."""
        filters = RunFilters.parse(request.query_params)
        return run_page(my_runs_page(principal=self.principal, filters=filters, params=request.query_params))


class RunsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List job runs",
        parameters=MARKER_PARAMS + FILTER_PARAMS,
        responses={200: JobRunListSerializer},
    )
    def get(self, request: Request, job: str) -> Response:
        """Newest first."""
        found = run_job_get(principal=self.principal, job_id=job)
        filters = RunFilters.parse(request.query_params)
        return run_page(
            run_list_page(principal=self.principal, job=found, filters=filters, params=request.query_params)
        )

    @extend_schema(
        tags=TAGS,
        summary="Create a job run",
        request=RunCreateSerializer,
        responses={201: JobRunDescribedSerializer, **RUN_ERRORS},
    )
    def post(self, request: Request, job: str) -> Response:
        """Runs the current version, or `jobVersion` (any published one). `hold`: pending until released.
        `parameters` and `namedParameters` (designed) override the version's for this run."""
        found = job_get(principal=self.principal, job_id=job)
        data = RunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        run = services.run_create(
            principal=self.principal,
            job=found,
            version_number=body.get("jobVersion"),
            hold=body["hold"],
            cleanup_mode=body["resourceCleanupMode"],
            parameters=body.get("parameters"),
            named_parameters=body.get("namedParameters"),
        )
        return described(run, status=201)


class RunView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a job run", responses={200: JobRunDescribedSerializer})
    def get(self, request: Request, job: str, jobRun: str) -> Response:
        """With `statusHistory` (designed): each status it entered, when, and why."""
        found = job_get(principal=self.principal, job_id=job)
        return described(run_get(principal=self.principal, job=found, run_id=jobRun))

    @extend_schema(tags=TAGS, summary="Delete a job run", responses={204: None, **RUN_ERRORS})
    def delete(self, request: Request, job: str, jobRun: str) -> Response:
        """Only a run that ended (succeeded, failed, timeout, cancelled); 409 otherwise."""
        found = job_get(principal=self.principal, job_id=job)
        services.run_delete(principal=self.principal, run=run_get(principal=self.principal, job=found, run_id=jobRun))
        return Response(status=204)


class RunReadyView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Release a pending job run for execution",
        request=None,
        responses={200: JobRunDescribedSerializer, **RUN_ERRORS},
    )
    def post(self, request: Request, job: str, jobRun: str) -> Response:
        """409 unless pending. A held run becomes ready; one waiting for something else keeps waiting for it."""
        found = job_get(principal=self.principal, job_id=job)
        run = run_get(principal=self.principal, job=found, run_id=jobRun)
        return described(services.run_release(principal=self.principal, run=run))


class RunRetryView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Retry a job run",
        request=RunRetrySerializer,
        responses={200: JobRunDescribedSerializer, **RUN_ERRORS},
    )
    def post(self, request: Request, job: str, jobRun: str) -> Response:
        """A failed, timed-out or cancelled run again, under the same id and version (409 otherwise); ready, or
        pending with `hold`."""
        found = job_get(principal=self.principal, job_id=job)
        run = run_get(principal=self.principal, job=found, run_id=jobRun)
        data = RunRetrySerializer(data=request.data if request.data is not None else {})
        data.is_valid(raise_exception=True)
        return described(services.run_retry(principal=self.principal, run=run, hold=data.validated_data["hold"]))


class RunCancelView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Cancel a job run",
        request=None,
        responses={200: JobRunDescribedSerializer, **RUN_ERRORS},
    )
    def post(self, request: Request, job: str, jobRun: str) -> Response:
        """Designed. A waiting run ends cancelled at once; an executing one gets `cancelRequestedAt` and its worker
        ends it within seconds. 409 for a run that already ended."""
        found = job_get(principal=self.principal, job_id=job)
        run = run_get(principal=self.principal, job=found, run_id=jobRun)
        return described(services.run_cancel(principal=self.principal, run=run))


def _offset(raw: str | None) -> int:
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 15):
        raise InvalidInput("offset is not valid.", field_errors={"offset": "A byte offset: 0 or more."})
    return int(raw)


class RunLogsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Read a job run's log",
        parameters=[
            OpenApiParameter("stream", str, enum=list(LOG_STREAMS), default="stdout"),
            OpenApiParameter("offset", int, description="Byte offset to read from (the last answer's nextOffset)"),
        ],
        responses={200: RunLogSerializer},
    )
    def get(self, request: Request, job: str, jobRun: str) -> Response:
        """Designed. At most 64 KiB from `offset`; tail a running run by asking again from `nextOffset` until
        `complete`."""
        found = job_get(principal=self.principal, job_id=job)
        run = run_get(principal=self.principal, job=found, run_id=jobRun)
        stream = request.query_params.get("stream") or "stdout"
        if stream not in LOG_STREAMS:
            raise InvalidInput("stream is not valid.", field_errors={"stream": f"One of: {', '.join(LOG_STREAMS)}."})
        chunk = run_log(run=run, stream=stream, offset=_offset(request.query_params.get("offset")))
        return Response(dump(RunLogSerializer, chunk))


class RunResultsView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Preview a job run's result", responses={200: RunResultSetSerializer, **RUN_ERRORS}
    )
    def get(self, request: Request, job: str, jobRun: str) -> Response:
        """Designed. The result's columns and its first rows (at most 100); 409 `run_has_no_results` until the run
        succeeded. A run that wrote no result (a Python job that returns none) has no columns."""
        found = job_get(principal=self.principal, job_id=job)
        run = run_get(principal=self.principal, job=found, run_id=jobRun)
        return Response(dump(RunResultSetSerializer, run_results(run=run)))


class JobCostView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Estimate a job's cost over a period",
        parameters=[
            OpenApiParameter("from", str, description="RFC 3339; default `to` minus 30 days"),
            OpenApiParameter("to", str, description="RFC 3339; default now"),
        ],
        responses={200: JobCostSerializer},
    )
    def get(self, request: Request, job: str) -> Response:
        """Designed. The sum of `estimatedCost` of the job's runs that finished in [from, to)."""
        found = job_get(principal=self.principal, job_id=job)
        start, end = cost_period(request.query_params)
        return Response(dump(JobCostSerializer, job_cost(job=found, start=start, end=end)))
