from django.db import transaction

from apps.core import audit
from apps.core.errors import InvalidInput, NotFound
from apps.core.principal import Principal
from apps.infra.models import ClusterTeam, ProvisionedCluster
from apps.infra.selectors.clusters import cluster_team_ids
from apps.org.access import require
from apps.org.models import Team


@transaction.atomic
def cluster_teams_add(*, principal: Principal, cluster: ProvisionedCluster, team_ids: list[str]) -> list[ClusterTeam]:
    """Give teams access to a cluster (teams that have it already keep their link); returns every named link."""
    require(principal, "CanManageClusters", cluster, team_ids=cluster_team_ids(cluster))
    wanted = list(dict.fromkeys(team_ids))
    teams = set(
        Team.objects.filter(organization_id=cluster.organization_id, pk__in=wanted).values_list("pk", flat=True)
    )
    unknown = [team_id for team_id in wanted if team_id not in teams]
    if unknown:
        raise InvalidInput("Unknown teams.", field_errors={"teamIds": f"Unknown teams: {', '.join(unknown)}."})
    have = set(ClusterTeam.objects.filter(cluster=cluster).values_list("team_id", flat=True))
    added = [team_id for team_id in wanted if team_id not in have]
    ClusterTeam.objects.bulk_create(
        ClusterTeam(cluster=cluster, team_id=team_id, created_by=principal.id, updated_by=principal.id)
        for team_id in added
    )
    audit.record(
        "cluster.teams.add",
        organization_id=cluster.organization_id,
        target_type="provisioned_cluster",
        target_id=cluster.pk,
        changes={"teamIds": added},
    )
    return list(ClusterTeam.objects.filter(cluster=cluster, team_id__in=wanted).order_by("created_at", "id"))


@transaction.atomic
def cluster_team_remove(*, principal: Principal, cluster: ProvisionedCluster, team_id: str) -> None:
    require(principal, "CanManageClusters", cluster, team_ids=cluster_team_ids(cluster))
    deleted, _ = ClusterTeam.objects.filter(cluster=cluster, team_id=team_id).delete()
    if not deleted:
        raise NotFound("The team has no access to this cluster.", code="cluster_team_not_found")
    audit.record(
        "cluster.teams.remove",
        organization_id=cluster.organization_id,
        target_type="provisioned_cluster",
        target_id=cluster.pk,
        changes={"teamId": team_id},
    )
