"""How many members each team, role and team role has: the `memberCount` a list shows without counting the links.

Counting them per row cost every page of teams or members a walk over the links of its most held roles (all of an
organization's members hold "member"). The database keeps the counts instead: triggers on the link tables add the
links a statement inserts, subtract the ones it deletes and move the ones an update points elsewhere, in the writer's
transaction, whatever wrote them (services, a member's or a team's cascade, the admin, a bulk load), so they are
exact at every commit (`org.0005_member_counters` installs them; tests/org/test_member_counters.py holds them to
`COUNT(*)`).
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce

# A team's, role's or team role's `member_count`, for its lists: a LEFT JOIN to its counter (no row, no members).
MEMBER_COUNT = Coalesce(F("member_counter__members"), 0)


class TeamMemberCount(models.Model):
    team = models.OneToOneField("org.Team", primary_key=True, on_delete=models.CASCADE, related_name="member_counter")
    members = models.BigIntegerField(default=0)

    class Meta:
        app_label = "org"

    def __str__(self) -> str:
        return f"{self.team_id}: {self.members} members"


class RoleMemberCount(models.Model):
    role = models.OneToOneField("org.Role", primary_key=True, on_delete=models.CASCADE, related_name="member_counter")
    members = models.BigIntegerField(default=0)

    class Meta:
        app_label = "org"

    def __str__(self) -> str:
        return f"{self.role_id}: {self.members} members"


class TeamRoleMemberCount(models.Model):
    team_role = models.OneToOneField(
        "org.TeamRole", primary_key=True, on_delete=models.CASCADE, related_name="member_counter"
    )
    members = models.BigIntegerField(default=0)

    class Meta:
        app_label = "org"

    def __str__(self) -> str:
        return f"{self.team_role_id}: {self.members} members"
