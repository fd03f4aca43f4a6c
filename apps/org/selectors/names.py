"""Names of an organization's roles and teams, for the console's pickers and badges."""

from typing import NamedTuple

from django.db.models import BooleanField, Value

from apps.core.principal import Principal
from apps.org.models import Role
from apps.org.selectors.teams import team_names


class Named(NamedTuple):
    id: str
    name: str


def picker_names(*, principal: Principal) -> tuple[list[Named], list[Named]]:
    """Every role of the principal's organization and the teams it may see, each by name: one query for both."""
    roles = Role.objects.filter(organization=principal.org).values_list("id", "name")
    teams = team_names(principal=principal).values_list("id", "name")
    is_team = {"p_team": Value(True, output_field=BooleanField())}
    is_role = {"p_team": Value(False, output_field=BooleanField())}
    rows = (
        roles.order_by()
        .annotate(**is_role)
        .values_list("p_team", "id", "name")
        .union(teams.order_by().annotate(**is_team).values_list("p_team", "id", "name"), all=True)
    )
    found: dict[bool, list[Named]] = {False: [], True: []}
    for team, pk, name in sorted(rows, key=lambda row: (row[2], row[1])):
        found[team].append(Named(pk, name))
    return found[False], found[True]
