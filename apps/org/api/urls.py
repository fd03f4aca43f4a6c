from django.urls import path

from apps.org.api.views import audit, invitations, members, operations, organization, policies, roles, teams

urlpatterns = [
    path("auth/permissions", roles.PermissionsView.as_view()),
    path("me/teams", teams.MyTeamsView.as_view()),
    path("org/teams", teams.TeamsView.as_view()),
    path("org/teams/<str:team>", teams.TeamView.as_view()),
    path("org/teams/<str:team>/members", teams.TeamMembersView.as_view()),
    path("org/teams/<str:team>/members/<str:member>", teams.TeamMemberView.as_view()),
    path("org/teams/<str:team>/members/<str:member>/roles", teams.TeamMemberRolesView.as_view()),
    path("org/roles", roles.RolesView.as_view()),
    path("org/roles/<str:role>", roles.RoleView.as_view()),
    path("org/team-roles", roles.TeamRolesView.as_view()),
    path("org/team-roles/<str:role>", roles.TeamRoleView.as_view()),
    path("org/invites", invitations.InvitationsView.as_view()),
    path("org/invites/<str:token>", invitations.InvitationView.as_view()),
    path("org/members", members.MembersView.as_view()),
    path("org/members/<str:member>", members.MemberView.as_view()),
    path("org/members/<str:member>/roles", members.MemberRolesView.as_view()),
    path("org/policies", policies.PoliciesView.as_view()),
    path("org/policies/<str:principal>", policies.PolicyView.as_view()),
    path("org/audit-events", audit.AuditEventsView.as_view()),  # designed
    path("org/settings", organization.OrganizationSettingsView.as_view()),  # designed
    path("operations/<str:operationId>", operations.OperationView.as_view()),
]
