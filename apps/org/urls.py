from django.urls import path
from django.views.generic import RedirectView

from apps.org.views import access, audit, dashboard, members, search, settings, teams

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("diagnostics", dashboard.diagnostics, name="diagnostics-start"),
    path("operations/<str:operation_id>/progress", dashboard.operation_progress, name="operation-progress"),
    path("search/", search.search_page, name="search"),
    path("org/", RedirectView.as_view(pattern_name="org-members"), name="org"),
    path("org/settings/", settings.settings_page, name="org-settings"),
    path("org/switch", settings.switch_organization, name="org-switch"),
    path("org/members/", members.members_page, name="org-members"),
    path("org/members/invite", members.member_invite, name="org-invite"),
    path("org/invitations/<str:invitation_id>/resend", members.invitation_resend, name="org-invitation-resend"),
    path("org/invitations/<str:invitation_id>/revoke", members.invitation_revoke, name="org-invitation-revoke"),
    path("org/members/<str:member_id>/", access.member_page, name="org-member"),
    path("org/members/<str:member_id>/roles", members.member_roles, name="org-member-roles"),
    path("org/members/<str:member_id>/remove", members.member_remove, name="org-member-remove"),
    path("org/teams/", teams.teams_page, name="org-teams"),
    path("org/teams/<str:team_id>/", teams.team_detail, name="org-team"),
    path("org/teams/<str:team_id>/update", teams.team_update, name="org-team-update"),
    path("org/teams/<str:team_id>/delete", teams.team_delete, name="org-team-delete"),
    path("org/teams/<str:team_id>/members", teams.team_member_add, name="org-team-member-add"),
    path(
        "org/teams/<str:team_id>/members/<str:member_id>/remove",
        teams.team_member_remove,
        name="org-team-member-remove",
    ),
    path(
        "org/teams/<str:team_id>/members/<str:member_id>/roles", teams.team_member_roles, name="org-team-member-roles"
    ),
    path("org/roles/", access.role_matrix, name="org-roles"),
    path("org/policies/", access.policies_page, name="org-policies"),
    path("org/policies/<str:principal_id>/delete", access.policy_delete, name="org-policy-delete"),
    path("org/audit/", audit.audit_events, name="org-audit"),
    path("<slug:key>/", dashboard.section, name="section"),  # last: placeholder pages of domains still to come
]
