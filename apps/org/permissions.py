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
    Relation("CanBreakGlass", "Act on every resource regardless of team sharing", system_only=True),
    Relation("CanViewUsers", "View user resources", ORG_TEAM),
    Relation("CanManageUsers", "Manage user resources", ORG_TEAM),
    Relation("CanViewMembers", "View organization members", ORG_TEAM),
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
)
RELATIONS = {r.relation: r for r in CATALOG}

_VIEW = frozenset(r.relation for r in CATALOG if r.relation.startswith("CanView"))
_AUTHOR = frozenset(
    {
        "CanUseClusters",
        "CanManageCatalogs",
        "CanManageQueries",
        "CanManageJobs",
        "CanRunJobs",
        "CanManageSessions",
        "CanManageNotifications",
    }
)
_ALL = frozenset(RELATIONS)

# System organization roles: key → (name, description, allTeams, breakGlass, permissions).
SYSTEM_ORG_ROLES: dict[str, tuple[str, str, bool, bool, frozenset[str]]] = {
    "owner": ("Owner", "Full control, including break-glass access", True, True, _ALL),
    "admin": ("Admin", "Administers the organization", True, False, _ALL - {"CanBreakGlass"}),
    "member": ("Member", "Authors and runs workloads", False, False, _VIEW | _AUTHOR),
    "viewer": ("Viewer", "Read-only access", False, False, _VIEW),
}
