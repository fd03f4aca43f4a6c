from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.serializers import ErrorSerializer
from apps.infra.api.serializers.requests import TeamIdsSerializer
from apps.infra.selectors.clusters import cluster_get
from apps.org.api.base import OrgApiView
from apps.org.api.serializers.entities import TeamEntrySerializer
from apps.org.selectors.teams import team_get, team_list
from apps.workloads.api.included import job_items
from apps.workloads.api.serializers.entities import JobSerializer, JobTeamSerializer
from apps.workloads.api.serializers.requests import JobCreateSerializer, JobUpdateSerializer
from apps.workloads.api.serializers.responses import (
    JobDescribeSerializer,
    JobListSerializer,
    JobTeamListSerializer,
    TeamEntryListSerializer,
)
from apps.workloads.api.views.common import (
    MARKER_PARAMS,
    TAGS,
    described,
    marker_list,
    numbered_list,
    page_params,
    page_response,
)
from apps.workloads.selectors.jobs import (
    MY_JOBS,
    job_get,
    job_page,
    job_row_get,
    job_rows,
    job_rows_by_id,
    job_rows_counted,
    job_total,
    my_job_page,
    with_numbers,
)
from apps.workloads.services import jobs as services

JOB_ONLY = ("jobKey", "status", "teamIds", "description")


def job_response(view: OrgApiView, job_id: str, *, status: int = 200) -> Response:
    """The job as its GET shows it (current and draft numbers included)."""
    job = job_get(principal=view.principal, job_id=job_id)
    return Response(dump(JobSerializer, with_numbers([job])[0]), status=status)


class MyJobsView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List my jobs", parameters=page_params(MY_JOBS), responses={200: JobListSerializer}
    )
    def get(self, request: Request) -> Response:
        """The jobs the caller may see (CanViewJobs, through their teams or organization-wide)."""
        page = my_job_page(principal=self.principal, params=request.query_params)
        if page is not None:
            return page_response(self.principal, page, job_items)
        return numbered_list(
            self.principal,
            request,
            job_rows_counted(principal=self.principal),
            job_items,
            MY_JOBS,
            rows=job_rows_by_id,
            total=job_total(principal=self.principal),
        )


class JobsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List jobs", parameters=MARKER_PARAMS, responses={200: JobListSerializer})
    def get(self, request: Request) -> Response:
        page = job_page(principal=self.principal, params=request.query_params)
        if page is not None:
            return page_response(self.principal, page, job_items)
        counted = job_rows_counted(principal=self.principal)
        return marker_list(self.principal, request, job_rows(principal=self.principal), job_items, counted=counted)

    @extend_schema(
        tags=TAGS,
        summary="Create a job",
        request=JobCreateSerializer,
        responses={201: JobSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        """Version 1 is published with the job: it needs an active cluster the caller may use and at least one team.
        The schedule fields (`cronExpression`, ...) are accepted here too."""
        data = JobCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in JOB_ONLY}
        job = services.job_create(
            principal=self.principal,
            job_key=data.validated_data["jobKey"],
            team_ids=data.validated_data["teamIds"],
            status=data.validated_data.get("status") or "active",
            description=data.validated_data.get("description") or "",
            fields=fields,
        )
        return job_response(self, job.pk, status=201)


class JobView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a job", responses={200: JobDescribeSerializer})
    def get(self, request: Request, job: str) -> Response:
        return described(self.principal, job_row_get(principal=self.principal, job_id=job), job_items)

    @extend_schema(tags=TAGS, summary="Delete a job", responses={204: None, 409: ErrorSerializer})
    def delete(self, request: Request, job: str) -> Response:
        """Deletes its versions and team links too; 409 while other jobs depend on it."""
        services.job_delete(principal=self.principal, job=job_get(principal=self.principal, job_id=job))
        return Response(status=204)

    @extend_schema(
        tags=TAGS,
        summary="Update a job",
        request=JobUpdateSerializer,
        responses={200: JobSerializer, 409: ErrorSerializer},
    )
    def patch(self, request: Request, job: str) -> Response:
        """Key, status (active or paused) and description; what the job runs changes through versions."""
        found = job_get(principal=self.principal, job_id=job)
        data = JobUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.job_update(
            principal=self.principal,
            job=found,
            job_key=data.validated_data.get("jobKey"),
            status=data.validated_data.get("status"),
            description=data.validated_data.get("description"),
            expected_version=data.validated_data.get("version"),
        )
        return job_response(self, found.pk)


class JobTeamsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List job teams", responses={200: TeamEntryListSerializer})
    def get(self, request: Request, job: str) -> Response:
        found = job_get(principal=self.principal, job_id=job)
        teams = list(team_list(principal=self.principal).filter(pk__in=found.team_ids).order_by("name", "id"))
        return Response({"total": len(teams), "items": dump(TeamEntrySerializer, teams, many=True)})

    @extend_schema(
        tags=TAGS, summary="Add teams to a job", request=TeamIdsSerializer, responses={201: JobTeamListSerializer}
    )
    def post(self, request: Request, job: str) -> Response:
        found = job_get(principal=self.principal, job_id=job)
        data = TeamIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        links = services.job_teams_add(principal=self.principal, job=found, team_ids=data.validated_data["teamIds"])
        return Response({"items": dump(JobTeamSerializer, links, many=True)}, status=201)


class JobTeamView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Remove a team from a job", responses={204: None, 409: ErrorSerializer})
    def delete(self, request: Request, job: str, team: str) -> Response:
        """409 for the job's last team."""
        found = job_get(principal=self.principal, job_id=job)
        services.job_team_remove(principal=self.principal, job=found, team_id=team)
        return Response(status=204)


class TeamJobsView(OrgApiView):
    @extend_schema(tags=TAGS, summary="List team jobs", parameters=MARKER_PARAMS, responses={200: JobListSerializer})
    def get(self, request: Request, team: str) -> Response:
        """The jobs shared with the team (a team in which the caller may see jobs)."""
        found = team_get(principal=self.principal, team_id=team, relation="CanViewJobs")
        jobs = job_rows(principal=self.principal, team=found)
        counted = job_rows_counted(principal=self.principal, team=found)
        return marker_list(self.principal, request, jobs, job_items, counted=counted)


class ClusterJobsView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="List jobs on a cluster", parameters=MARKER_PARAMS, responses={200: JobListSerializer}
    )
    def get(self, request: Request, cluster: str) -> Response:
        """The jobs whose current version runs on the cluster (one the caller may see: CanViewClusters)."""
        found = cluster_get(principal=self.principal, cluster_id=cluster, relation="CanViewClusters")
        jobs = job_rows(principal=self.principal, cluster=found)
        counted = job_rows_counted(principal=self.principal, cluster=found)
        return marker_list(self.principal, request, jobs, job_items, counted=counted)
