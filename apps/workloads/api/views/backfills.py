from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.fast import dump
from apps.core.api.serializers import ErrorSerializer
from apps.org.api.base import OrgApiView
from apps.workloads.api.serializers.runs import BackfillCreateSerializer, BackfillSerializer
from apps.workloads.api.views.common import TAGS
from apps.workloads.models import JobBackfill
from apps.workloads.selectors.jobs import job_get
from apps.workloads.selectors.runs import backfill_get, with_progress
from apps.workloads.services import run_backfills as services

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def described(backfill: JobBackfill, *, status: int = 200) -> Response:
    return Response(dump(BackfillSerializer, with_progress(backfill)), status=status)


class BackfillView(OrgApiView):
    @extend_schema(
        tags=TAGS,
        summary="Backfill a job's past slots",
        request=BackfillCreateSerializer,
        responses={201: BackfillSerializer, 200: BackfillSerializer, **ERRORS},
    )
    def post(self, request: Request, job: str) -> Response:
        """Designed. One run per cron slot of the job's current version in [from, to] (at most
        RUNS_BACKFILL_MAX_SLOTS), `maxConcurrent` of them executing at once. A slot that has a run keeps it; the
        same range again answers 200 with the backfill it created, and creates nothing."""
        found = job_get(principal=self.principal, job_id=job)
        data = BackfillCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        backfill, created = services.backfill_create(
            principal=self.principal,
            job=found,
            start=data.validated_data["from"],
            end=data.validated_data["to"],
            max_concurrent=data.validated_data["maxConcurrent"],
        )
        return described(backfill, status=201 if created else 200)


class BackfillDetailView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Describe a backfill", responses={200: BackfillSerializer, 404: ErrorSerializer})
    def get(self, request: Request, job: str, backfill: str) -> Response:
        """Designed. Its runs by status and each slot's run."""
        found = job_get(principal=self.principal, job_id=job)
        return described(backfill_get(principal=self.principal, job=found, backfill_id=backfill))


class BackfillCancelView(OrgApiView):
    @extend_schema(tags=TAGS, summary="Cancel a backfill", request=None, responses={200: BackfillSerializer, **ERRORS})
    def post(self, request: Request, job: str, backfill: str) -> Response:
        """Designed. Cancels each of its runs that has not ended (an executing one within seconds); repeatable."""
        found = job_get(principal=self.principal, job_id=job)
        target = backfill_get(principal=self.principal, job=found, backfill_id=backfill)
        return described(services.backfill_cancel(principal=self.principal, backfill=target))
