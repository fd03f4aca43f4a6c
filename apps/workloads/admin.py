from django.contrib import admin

from apps.workloads.catalog_providers import catalog_secrets
from apps.workloads.models import (
    Catalog,
    CatalogTeam,
    ComputeConfig,
    ComputeInstance,
    Job,
    JobBackfill,
    JobCount,
    JobRun,
    JobRunCount,
    JobRunStatusChange,
    JobTeam,
    JobVersion,
    Query,
    QueryTeam,
    Session,
)

AUDIT_FIELDS = ["id", "created_at", "created_by", "updated_at", "updated_by"]


@admin.register(ComputeConfig)
class ComputeConfigAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "team", "cluster", "workload_type", "is_default", "anonymous"]
    list_filter = ["workload_type", "is_default", "anonymous"]
    search_fields = ["id", "name", "team__name", "cluster__name", "organization__name"]
    readonly_fields = [*AUDIT_FIELDS, "organization", "team", "cluster", "workload_type", "anonymous"]


@admin.register(ComputeInstance)
class ComputeInstanceAdmin(admin.ModelAdmin):
    list_display = ["id", "compute_config", "infra_status", "shutdown_policy", "host", "port", "provisioned_at"]
    list_filter = ["infra_status", "shutdown_policy"]
    search_fields = ["id", "sail_process_id", "compute_config__name"]
    # The supervisor and the services keep these in step with the server: read-only here.
    readonly_fields = [f.name for f in ComputeInstance._meta.fields]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "team", "member", "status", "last_activity_at", "created_at"]
    list_filter = ["status", "endpoint_type", "termination_reason"]
    search_fields = ["id", "name", "member__email", "team__name"]
    readonly_fields = [f.name for f in Session._meta.fields]


# --- Authoring: catalogs, saved queries, jobs and their versions ---


class CatalogTeamInline(admin.TabularInline):
    model = CatalogTeam
    extra = 0
    readonly_fields = AUDIT_FIELDS


@admin.register(Catalog)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "provider", "organization", "updated_at"]
    list_filter = ["provider"]
    search_fields = ["id", "name", "organization__name"]
    # Secrets stay encrypted and out of sight: the admin shows only which ones are set.
    exclude = ["secrets"]
    readonly_fields = [*AUDIT_FIELDS, "organization", "provider", "secrets_configured"]
    inlines = [CatalogTeamInline]

    @admin.display(description="secrets configured")
    def secrets_configured(self, obj: Catalog) -> str:
        return ", ".join(sorted(catalog_secrets(obj))) or "none"


class QueryTeamInline(admin.TabularInline):
    model = QueryTeam
    extra = 0
    readonly_fields = AUDIT_FIELDS


@admin.register(Query)
class QueryAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "organization", "catalog", "catalog_schema", "updated_at"]
    search_fields = ["id", "name", "description", "organization__name"]
    list_select_related = ["organization", "catalog"]
    readonly_fields = [*AUDIT_FIELDS, "organization", "member"]
    inlines = [QueryTeamInline]


class JobTeamInline(admin.TabularInline):
    model = JobTeam
    extra = 0
    readonly_fields = AUDIT_FIELDS


class JobVersionInline(admin.TabularInline):
    """Versions change only through the services (draft → publish → activate): read-only here."""

    model = JobVersion
    extra = 0
    can_delete = False
    fields = ["number", "status", "job_type", "cluster", "cron_expression", "cron_timezone", "published_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "job_key", "organization", "status", "latest_version", "next_run_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["id", "job_key", "description", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = [*AUDIT_FIELDS, "organization", "member", "current_version", "latest_version", "next_run_at"]
    inlines = [JobTeamInline, JobVersionInline]


@admin.register(JobVersion)
class JobVersionAdmin(admin.ModelAdmin):
    list_display = ["id", "job", "number", "status", "job_type", "cluster", "published_at"]
    list_filter = ["status", "job_type", "concurrency_policy"]
    search_fields = ["id", "job__job_key", "description"]
    list_select_related = ["job"]
    readonly_fields = [f.name for f in JobVersion._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


# --- Runs: changed only by the run services and the dispatcher (statuses move through one function) ---


class JobRunStatusChangeInline(admin.TabularInline):
    model = JobRunStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status", "message", "at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["id", "job", "version_number", "status", "pending_reason", "trigger", "created_at", "finished_at"]
    list_filter = ["status", "trigger", "pending_reason", "resource_cleanup_mode"]
    search_fields = ["id", "job__job_key", "backfill_id", "organization__name"]
    list_select_related = ["job"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in JobRun._meta.fields]
    inlines = [JobRunStatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(JobRunCount)
class JobRunCountAdmin(admin.ModelAdmin):
    """Kept by database triggers on the run table (models/run_counts.py): read only."""

    list_display = ["job", "organization", "runs"]
    search_fields = ["job__id", "job__job_key"]
    list_select_related = ["job", "organization"]
    readonly_fields = ["job", "organization", "runs"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JobCount)
class JobCountAdmin(admin.ModelAdmin):
    """Kept by database triggers on the job table (models/job_counts.py): read only."""

    list_display = ["organization", "jobs"]
    search_fields = ["organization__id", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "jobs"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JobRunStatusChange)
class JobRunStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["run", "status", "at", "message"]
    list_filter = ["status"]
    search_fields = ["run__id", "message"]
    readonly_fields = ["run", "status", "message", "at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(JobBackfill)
class JobBackfillAdmin(admin.ModelAdmin):
    list_display = ["id", "job", "range_from", "range_to", "max_concurrent", "slot_count", "cancelled_at"]
    search_fields = ["id", "job__job_key"]
    list_select_related = ["job"]
    readonly_fields = [f.name for f in JobBackfill._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
