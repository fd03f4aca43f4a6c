from django.db import models

from apps.core.models import BaseModel


class Team(BaseModel):
    """A group of members; resources shared with a team are reachable by its members."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    default_role = models.ForeignKey("org.TeamRole", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


class TeamMember(BaseModel):
    """A member's place in a team (`isAutomatic` when added by the organization's default team)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="team_memberships")
    is_automatic = models.BooleanField(default=False)
    roles = models.ManyToManyField("org.TeamRole", through="org.TeamMemberRole", related_name="team_members")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="team_member_unique")]
        indexes = [models.Index(fields=["member", "team"])]


class TeamMemberRole(BaseModel):
    team_member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="role_links")
    team_role = models.ForeignKey("org.TeamRole", on_delete=models.CASCADE, related_name="member_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team_member", "team_role"], name="team_member_role_unique")]
