from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.pagination import PageOptions, numbered_page
from apps.core.api.serializers import ErrorSerializer
from apps.org.api.base import OrgApiView
from apps.workloads.api.included import job_items
from apps.workloads.api.serializers.entities import JobSerializer, JobVersionSerializer
from apps.workloads.api.serializers.requests import (
    ActivateVersionSerializer,
    VersionFieldsSerializer,
)
from apps.workloads.api.serializers.responses import (
    JobDescribeSerializer,
    JobVersionListSerializer,
)
from apps.workloads.api.views.common import TAGS
from apps.workloads.api.views.jobs import job_response
from apps.workloads.selectors.jobs import job_draft_get, job_get, job_version_get, job_versions
from apps.workloads.services import job_versions as services

VERSION_ORDER = PageOptions(sort_fields={"version": ("number",)}, default_sort="version")


def _fields(request: Request) -> dict:
    data = VersionFieldsSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class ActivateVersionView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Activate a job version",
        request=ActivateVersionSerializer,
        responses={200: JobSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job: str) -> Response:
        """Make a published version current again; 409 while the job has a draft."""
        found = job_get(principal=self.principal, job_id=job)
        data = ActivateVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.version_activate(principal=self.principal, job=found, number=data.validated_data["version"])
        return job_response(self, found.pk)


class DraftView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe the draft version of a job", responses={200: JobVersionSerializer})
    def get(self, request: Request, job: str) -> Response:
        return Response(dump(JobVersionSerializer, job_draft_get(job=job_get(principal=self.principal, job_id=job))))

    @extend_schema(
        tags=TAGS,
        summary="Create a new draft version for a job",
        request=VersionFieldsSerializer,
        responses={201: JobVersionSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job: str) -> Response:
        """A copy of the current version with the body's changes; 409 if the job has a draft."""
        found = job_get(principal=self.principal, job_id=job)
        draft = services.draft_create(principal=self.principal, job=found, changes=_fields(request))
        return Response(dump(JobVersionSerializer, draft), status=201)

    @extend_schema(tags=TAGS, summary="Discard the draft version of a job", responses={204: None})
    def delete(self, request: Request, job: str) -> Response:
        services.draft_discard(principal=self.principal, job=job_get(principal=self.principal, job_id=job))
        return Response(status=204)

    @extend_schema(
        tags=TAGS,
        summary="Update the draft version of a job",
        request=VersionFieldsSerializer,
        responses={200: JobVersionSerializer},
    )
    def patch(self, request: Request, job: str) -> Response:
        found = job_get(principal=self.principal, job_id=job)
        draft = services.draft_update(principal=self.principal, job=found, changes=_fields(request))
        return Response(dump(JobVersionSerializer, draft))


class PublishView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Publish the draft version of a job",
        request=None,
        responses={200: JobSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request, job: str) -> Response:
        """The draft becomes the current version (its Git source pinned to a commit); 400 without a draft."""
        found = job_get(principal=self.principal, job_id=job)
        services.draft_publish(principal=self.principal, job=found)
        return job_response(self, found.pk)


class VersionsView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="List job versions",
        parameters=[
            OpenApiParameter("limit", int, description="0..100, default 100"),
            OpenApiParameter("page", int, description="1-based page number"),
        ],
        responses={200: JobVersionListSerializer},
    )
    def get(self, request: Request, job: str) -> Response:
        """The published versions, by number."""
        versions = job_versions(job=job_get(principal=self.principal, job_id=job))
        page = numbered_page(versions, request.query_params, VERSION_ORDER)
        return Response({"total": page.total, "items": dump(JobVersionSerializer, page.objects, many=True)})

    @extend_schema(
        tags=TAGS,
        summary="Create a job version",
        request=VersionFieldsSerializer,
        responses={201: JobVersionSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, job: str) -> Response:
        """Create and publish in one step: the current version with the body's changes. 409 if there is a draft."""
        found = job_get(principal=self.principal, job_id=job)
        version = services.version_create(principal=self.principal, job=found, changes=_fields(request))
        return Response(dump(JobVersionSerializer, version), status=201)


class VersionView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a job version", responses={200: JobDescribeSerializer})
    def get(self, request: Request, job: str, jobVersionNumber: str) -> Response:
        """The job as it is at that version (its settings), with the version itself in `included.jobVersions`."""
        found = job_get(principal=self.principal, job_id=job)
        version = job_version_get(job=found, number=jobVersionNumber)
        items, included = job_items(self.principal, [found], version=version)
        return Response({"item": items[0], "included": included})
