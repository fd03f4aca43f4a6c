"""Designed endpoints (not in the reference) for authoring jobs: compare versions, preview schedules."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import clock
from apps.core.api.fast import dump
from apps.core.errors import InvalidInput
from apps.org.api.base import OrgApiView
from apps.workloads.api.serializers.requests import SchedulePreviewSerializer
from apps.workloads.api.serializers.responses import ChangeSerializer, FireTimeSerializer, VersionDiffSerializer
from apps.workloads.api.serializers.responses import SchedulePreviewSerializer as PreviewOut
from apps.workloads.api.views.common import TAGS
from apps.workloads.diff import version_diff
from apps.workloads.schedule import Schedule
from apps.workloads.selectors.jobs import VERSION_NAMES, job_get, job_version_named
from apps.workloads.selectors.previews import checked_fire_times, schedule_preview

COUNT = OpenApiParameter("count", int, description="How many fire times: 1..100, default 5")


def _count(request: Request) -> int:
    raw = request.query_params.get("count") or "5"
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise InvalidInput("count must be 1..100.", field_errors={"count": "An integer between 1 and 100."})
    return int(raw)


def _preview(schedule: Schedule, **extra: Any) -> dict[str, Any]:
    times = [{**dump(FireTimeSerializer, t), "local": t.local.isoformat()} for t in schedule.fire_times]
    return {
        **extra,
        "cronExpression": schedule.expression,
        "cronTimezone": schedule.timezone,
        "description": schedule.description,
        "fireTimes": times,
    }


class DiffView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Compare two versions of a job",
        parameters=[
            OpenApiParameter("from", str, description=f"{VERSION_NAMES}; default current"),
            OpenApiParameter("to", str, description=f"{VERSION_NAMES}; default draft"),
        ],
        responses={200: VersionDiffSerializer},
    )
    def get(self, request: Request, job: str) -> Response:
        """What a draft changes (by default: current → draft), or what changed between any two versions."""
        found = job_get(principal=self.principal, job_id=job)
        base = job_version_named(job=found, name=request.query_params.get("from") or "current", field="from")
        target = job_version_named(job=found, name=request.query_params.get("to") or "draft", field="to")
        return Response(
            {
                "base": {"version": base.number, "status": base.status},
                "target": {"version": target.number, "status": target.status},
                "changes": dump(ChangeSerializer, version_diff(base, target), many=True),
            }
        )


class JobScheduleView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Preview a job's schedule",
        parameters=[OpenApiParameter("version", str, description=f"{VERSION_NAMES}; default current"), COUNT],
        responses={200: PreviewOut},
    )
    def get(self, request: Request, job: str) -> Response:
        """The next fire times of a version's schedule, in its time zone and in UTC, with daylight-saving flags.
        A version without a schedule has no fire times."""
        found = job_get(principal=self.principal, job_id=job)
        version = job_version_named(job=found, name=request.query_params.get("version") or "current", field="version")
        count = _count(request)
        if not version.cron_expression:
            return Response(
                {
                    "version": version.number,
                    "cronExpression": None,
                    "cronTimezone": version.cron_timezone,
                    "description": "No schedule: runs only when started.",
                    "fireTimes": [],
                }
            )
        schedule = checked_fire_times(version.cron_expression, version.cron_timezone, after=clock.now(), count=count)
        return Response(_preview(schedule, version=version.number))


class SchedulePreviewView(OrgApiView):
    @extend_schema(
        tags=TAGS, summary="Preview a schedule", request=SchedulePreviewSerializer, responses={200: PreviewOut}
    )
    def post(self, request: Request) -> Response:
        """The next fire times of an unsaved cron expression: what the job editor shows while typing."""
        data = SchedulePreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = schedule_preview(
            principal=self.principal,
            expression=data.validated_data["cronExpression"],
            timezone=data.validated_data["cronTimezone"],
            after=data.validated_data.get("after") or clock.now(),
            count=data.validated_data["count"],
        )
        return Response(_preview(schedule))
