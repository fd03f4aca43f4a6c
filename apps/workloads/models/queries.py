from django.db import models

from apps.core.db.fields import JSONField
from apps.core.models import BaseModel
from apps.workloads.models.sharing import SharedWithTeams


class Query(SharedWithTeams, BaseModel):
    """A saved SQL query: jobs run it by reference (`config.sql.queryId`)."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    # Deleting a catalog leaves its queries without one (the reference: they "will need to be updated").
    catalog = models.ForeignKey(
        "workloads.Catalog", on_delete=models.SET_NULL, null=True, blank=True, related_name="queries"
    )
    catalog_schema = models.CharField(max_length=200, blank=True, default="")
    query_text = models.TextField()
    tags = JSONField(default=list, blank=True)
    teams = models.ManyToManyField("org.Team", through="workloads.QueryTeam", related_name="+")

    class Meta:
        app_label = "workloads"
        ordering = ["name", "id"]
        verbose_name_plural = "queries"
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="wl_query_org_name_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="wl_query_org_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class QueryTeam(BaseModel):
    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        app_label = "workloads"
        constraints = [models.UniqueConstraint(fields=["query", "team"], name="wl_query_team_unique")]
