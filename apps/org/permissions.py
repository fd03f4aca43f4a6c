"""The permission catalog: every action of the API is one relation here."""

from dataclasses import dataclass

ORG = ("organization",)
ORG_TEAM = ("organization", "team")


@dataclass(frozen=True)
class Relation:
    relation: str
    description: str
    valid_object_types: tuple[str, ...] = ORG
    system_only: bool = False


CATALOG: tuple[Relation, ...] = (
    Relation("CanManageOrganization", "Change organization settings"),
    Relation(
        "CanManageOwners",
        "Act on Owners (their password, MFA, email, logins, membership and roles) and grant the Owner role",
        system_only=True,
    ),
    Relation("CanViewUsers", "View user resources", ORG_TEAM),
    Relation("CanManageUsers", "Manage user resources", ORG_TEAM),
    Relation("CanViewMembers", "View the organization's member directory"),
    Relation("CanManageMembers", "Manage organization members and their roles"),
    Relation("CanViewTeams", "View teams", ORG_TEAM),
    Relation("CanManageTeams", "Create, change and delete teams and their members", ORG_TEAM),
    Relation("CanViewRoles", "View organization and team roles"),
    Relation("CanViewPolicies", "View access policies"),
    Relation("CanManagePolicies", "Set and delete access policies"),
    Relation("CanManageInvitations", "Invite people to the organization"),
    Relation("CanViewIdentityProviders", "View SSO identity providers"),
    Relation("CanManageIdentityProviders", "Configure SSO identity providers"),
    Relation("CanViewServiceAccounts", "View service accounts"),
    Relation("CanManageServiceAccounts", "Manage service accounts and their API keys"),
    Relation("CanViewConnections", "View cloud connections"),
    Relation("CanManageConnections", "Manage cloud connections"),
    Relation("CanViewNetworks", "View networks"),
    Relation("CanManageNetworks", "Manage and provision networks"),
    Relation("CanViewClusters", "View clusters", ORG_TEAM),
    Relation("CanUseClusters", "Run workloads on clusters", ORG_TEAM),
    Relation("CanManageClusters", "Create, provision and delete clusters", ORG_TEAM),
    Relation("CanViewCatalogs", "View catalogs", ORG_TEAM),
    Relation("CanManageCatalogs", "Manage catalogs", ORG_TEAM),
    Relation("CanViewQueries", "View saved queries", ORG_TEAM),
    Relation("CanManageQueries", "Manage saved queries", ORG_TEAM),
    Relation("CanViewJobs", "View jobs and their versions", ORG_TEAM),
    Relation("CanManageJobs", "Author, publish and delete jobs", ORG_TEAM),
    Relation("CanRunJobs", "Start, hold, release, retry and cancel job runs", ORG_TEAM),
    Relation("CanViewSessions", "View Spark Connect sessions", ORG_TEAM),
    Relation("CanManageSessions", "Open, relaunch and close Spark Connect sessions", ORG_TEAM),
    Relation("CanViewComputeConfigs", "View compute configurations", ORG_TEAM),
    Relation("CanManageComputeConfigs", "Manage compute configurations", ORG_TEAM),
    Relation("CanViewNotifications", "View notification channels and rules", ORG_TEAM),
    Relation("CanManageNotifications", "Manage notification channels and rules", ORG_TEAM),
    Relation("CanViewOperations", "View asynchronous operations"),
    Relation("CanViewAuditLog", "View the organization's audit log: who changed what, and every sign-in"),
)
RELATIONS = {r.relation: r for r in CATALOG}

TEAM_RELATIONS = frozenset(r.relation for r in CATALOG if "team" in r.valid_object_types)
# The audit log shows every member's activity: administrators see it, not every viewer.
_ADMIN_VIEWS = frozenset({"CanViewAuditLog"})
_VIEW = frozenset(r.relation for r in CATALOG if r.relation.startswith("CanView")) - _ADMIN_VIEWS


@dataclass(frozen=True)
class Bundle:
    code: str
    name: str
    description: str
    permissions: frozenset[str]


BUNDLES: dict[str, Bundle] = {
    b.code: b
    for b in (
        Bundle("viewer", "Viewer", "See everything the role reaches", _VIEW),
        Bundle(
            "workload_author",
            "Workload author",
            "Author and run catalogs, queries, jobs and sessions on clusters",
            frozenset(
                {
                    "CanUseClusters",
                    "CanManageCatalogs",
                    "CanManageQueries",
                    "CanManageJobs",
                    "CanRunJobs",
                    "CanManageSessions",
                    "CanManageComputeConfigs",
                    "CanManageNotifications",
                }
            ),
        ),
        Bundle(
            "infra_admin",
            "Infrastructure admin",
            "Manage cloud connections, networks and clusters",
            frozenset({"CanManageConnections", "CanManageNetworks", "CanManageClusters"}),
        ),
        Bundle(
            "org_admin",
            "Organization admin",
            "Manage members, teams, policies, invitations, users, SSO and service accounts; read the audit log",
            frozenset(
                {
                    "CanManageOrganization",
                    "CanManageMembers",
                    "CanManageInvitations",
                    "CanManageTeams",
                    "CanManagePolicies",
                    "CanManageUsers",
                    "CanManageIdentityProviders",
                    "CanManageServiceAccounts",
                    "CanViewAuditLog",
                }
            ),
        ),
        Bundle("team_admin", "Team admin", "Manage a team's members", frozenset({"CanManageTeams"})),
        Bundle(
            "owner_admin",
            "Owner administration",
            "Act on Owners and grant the Owner role",
            frozenset({"CanManageOwners"}),
        ),
    )
}


@dataclass(frozen=True)
class SystemRole:
    key: str
    name: str
    description: str
    bundles: tuple[str, ...]
    all_teams: bool = False
    break_glass: bool = False

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset().union(*(BUNDLES[b].permissions for b in self.bundles))


# Organization roles. `all_teams`: the role's permissions reach the resources of every team; without it,
# team-scoped permissions (jobs, clusters, ...) reach only the resources of the member's own teams.
SYSTEM_ORG_ROLES: dict[str, SystemRole] = {
    r.key: r
    for r in (
        SystemRole(
            "owner",
            "Owner",
            "Full control, including acting on other Owners",
            ("viewer", "workload_author", "infra_admin", "org_admin", "owner_admin"),
            all_teams=True,
            break_glass=True,
        ),
        SystemRole(
            "admin",
            "Admin",
            "Administers the organization",
            ("viewer", "workload_author", "infra_admin", "org_admin"),
            all_teams=True,
        ),
        SystemRole("member", "Member", "Authors and runs workloads in their teams", ("viewer", "workload_author")),
        SystemRole("viewer", "Viewer", "Read-only access to their teams", ("viewer",)),
    )
}

# Team roles: their permissions (limited to team-scoped relations) apply to the team's resources.
SYSTEM_TEAM_ROLES: dict[str, SystemRole] = {
    r.key: r
    for r in (
        SystemRole(
            "team_admin",
            "Team Admin",
            "Manages the team and its workloads",
            ("viewer", "workload_author", "team_admin"),
        ),
        SystemRole(
            "team_member", "Team Member", "Authors and runs the team's workloads", ("viewer", "workload_author")
        ),
        SystemRole("team_viewer", "Team Viewer", "Sees the team's workloads", ("viewer",)),
    )
}


def team_role_permissions(key: str) -> frozenset[str]:
    return SYSTEM_TEAM_ROLES[key].permissions & TEAM_RELATIONS
