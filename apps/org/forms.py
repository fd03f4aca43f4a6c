from django import forms

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.org.models import Organization, Role, Team, TeamRole
from apps.org.permissions import BUNDLES, CATALOG, SYSTEM_ORG_ROLES
from apps.org.services.organizations import sso_only
from apps.org.services.teams import least_privileged_team_role

# Wire field names in the org services' errors → console form field names.
FORM_FIELDS = {
    "organizationRoleId": "role",
    "teamAssignments[0].teamId": "team",
    "roleIds": "roles",
    "defaultRoleId": "default_role",
    "memberId": "member",
    "name": "name",
    "slug": "slug",
    "defaultOrgRoleId": "default_role",
    "defaultTeamId": "default_team",
}


def _confirmed() -> forms.CharField:
    # The ids of the sweeping roles (Owner, Admin) the person confirmed granting, set by the confirmation step.
    return forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


def unconfirmed_grants(form: forms.Form, roles: list[Role]) -> list[Role]:
    """The roles among `roles` that reach every team or act on Owners and that the form's confirmation step
    has not named yet: granting one asks first, saying what it gives."""
    confirmed = set(form.cleaned_data.get("confirmed", "").split(","))
    return [r for r in roles if (r.all_teams or r.break_glass) and r.pk not in confirmed]


def role_gives(role: Role) -> list[str]:
    """What a role gives, in the words of its permission bundles."""
    spec = SYSTEM_ORG_ROLES.get(role.key)
    return [BUNDLES[b].description for b in spec.bundles] if spec else [role.description]


def confirmation(roles: list[Role]) -> dict:
    """What the confirmation step shows and sends back."""
    return {"roles": [{"role": r, "gives": role_gives(r)} for r in roles], "ids": ",".join(r.pk for r in roles)}


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    """A service's error on an org form."""
    add_service_error(form, exc, FORM_FIELDS)


def _role_choices(org: Organization) -> list[tuple[str, str]]:
    return [(r.pk, r.name) for r in Role.objects.filter(organization=org).order_by("name")]


def _team_role_choices(org: Organization) -> list[tuple[str, str]]:
    return [(r.pk, r.name) for r in TeamRole.objects.filter(organization=org).order_by("name")]


class InviteForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off", "autofocus": True}))
    name = forms.CharField(required=False, max_length=300)
    role = forms.ChoiceField(label="Organization role")
    team = forms.ChoiceField(label="Team", required=False)
    confirmed = _confirmed()

    def __init__(self, *args, org: Organization, teams, roles=None, **kwargs) -> None:
        """`roles`: the organization's roles by name, when the caller has them already."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(org) if roles is None else [(r.pk, r.name) for r in roles]
        self.fields["role"].initial = org.default_org_role_id
        self.fields["team"].choices = [("", "No team"), *((t.pk, t.name) for t in teams)]


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Organization roles")
    confirmed = _confirmed()

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(org)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    default_role = forms.ChoiceField(
        label="Default role for new members", help_text="What people added to the team get unless you choose more."
    )

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_role"].choices = _team_role_choices(org)
        least = least_privileged_team_role(org.pk)
        self.fields["default_role"].initial = least.pk if least else None


class TeamMemberForm(forms.Form):
    member = forms.ChoiceField(label="Member")
    role = forms.ChoiceField(label="Team role")

    def __init__(self, *args, team: Team, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.name or m.email} <{m.email}>") for m in candidates]
        self.fields["role"].choices = _team_role_choices(team.organization)
        self.fields["role"].initial = team.default_role_id


class TeamMemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Team roles")

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _team_role_choices(org)


class PolicyForm(forms.Form):
    """A policy; the template renders `permissions` grouped by domain, each with its description."""

    principal = forms.ChoiceField(label="User, team or service account")
    permissions = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, principals: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal"].choices = principals
        self.fields["permissions"].choices = [(r.relation, r.relation) for r in CATALOG if not r.system_only]

    def selected(self) -> set[str]:
        value = self["permissions"].value() or []
        return set(value if isinstance(value, list) else [value])


# The organization settings page: these fields are one setting each; "Require single sign-on" turns off both
# auth.allowLoginWithPassword and auth.allowLoginWithEmail.
SETTINGS_FIELDS = {
    "require_mfa": "settings.auth.requireMfa",
    "mfa_grace_days": "settings.auth.mfaGracePeriodDays",
    "sso_skips_mfa": "settings.auth.ssoSkipsMfa",
    "require_email_verification": "settings.auth.requireEmailVerification",
    "min_password_length": "settings.auth.minPasswordLength",
    "login_idle_minutes": "settings.auth.loginIdleTimeoutSeconds",
    "login_max_hours": "settings.auth.loginMaxDurationSeconds",
    "max_running_workloads": "settings.sessions.maxRunningWorkloads",
    "max_concurrent_clients": "settings.sessions.maxConcurrentClients",
    "max_sessions_per_member": "settings.sessions.maxConcurrentSessionsPerMember",
}
# Durations read in the unit people think in; stored in seconds.
_SECONDS = {"login_idle_minutes": 60, "login_max_hours": 3600}


def settings_form_error(form: forms.Form, exc: ApplicationError) -> None:
    wire = {path: name for name, path in SETTINGS_FIELDS.items()}
    add_service_error(form, exc, {**FORM_FIELDS, **wire, "settings.auth.allowLoginWithPassword": "require_sso"})


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=63, help_text="Part of the sign-in page's address: /login/?org=<slug>.")
    default_role = forms.ChoiceField(label="Default role for new members", help_text="Invitations start with it.")
    default_team = forms.ChoiceField(label="Default team", required=False, help_text="New members join it.")
    require_mfa = forms.BooleanField(label="Require two-factor authentication for every member", required=False)
    mfa_grace_days = forms.IntegerField(
        label="Grace period (days)",
        min_value=0,
        max_value=90,
        help_text="Members without an authenticator are sent to set one up when it ends.",
    )
    require_sso = forms.BooleanField(
        label="Require single sign-on",
        required=False,
        help_text="Members sign in through the identity provider; Owners keep their password for emergencies.",
    )
    sso_skips_mfa = forms.BooleanField(label="Trust the identity provider's own two-factor check", required=False)
    require_email_verification = forms.BooleanField(label="Require a verified email address", required=False)
    min_password_length = forms.IntegerField(label="Minimum password length", min_value=8, max_value=256)
    login_idle_minutes = forms.IntegerField(
        label="Sign out after inactivity (minutes)", min_value=0, help_text="0: the platform's limit (30 minutes)."
    )
    login_max_hours = forms.IntegerField(
        label="Longest sign-in (hours)", min_value=0, help_text="0: the platform's limit (12 hours)."
    )
    max_running_workloads = forms.IntegerField(label="Running compute instances", min_value=0, help_text="0: no limit.")
    max_concurrent_clients = forms.IntegerField(label="Clients per compute instance", min_value=0)
    max_sessions_per_member = forms.IntegerField(label="Open sessions per member", min_value=0)

    def __init__(self, *args, org: Organization, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_role"].choices = [
            (r.pk, r.name) for r in Role.objects.filter(organization=org, break_glass=False).order_by("name")
        ]
        self.fields["default_team"].choices = [("", "No default team"), *((t.pk, t.name) for t in teams)]

    @classmethod
    def initial_of(cls, org: Organization) -> dict:
        auth, sessions = org.settings.get("auth", {}), org.settings.get("sessions", {})
        return {
            "name": org.name,
            "slug": org.slug,
            "default_role": org.default_org_role_id,
            "default_team": org.default_team_id or "",
            "require_mfa": bool(auth.get("requireMfa")),
            "mfa_grace_days": auth.get("mfaGracePeriodDays", 7),
            "require_sso": sso_only(org.settings),
            "sso_skips_mfa": bool(auth.get("ssoSkipsMfa")),
            "require_email_verification": bool(auth.get("requireEmailVerification")),
            "min_password_length": auth.get("minPasswordLength") or 8,
            "login_idle_minutes": int(auth.get("loginIdleTimeoutSeconds") or 0) // 60,
            "login_max_hours": int(auth.get("loginMaxDurationSeconds") or 0) // 3600,
            "max_running_workloads": sessions.get("maxRunningWorkloads", 0),
            "max_concurrent_clients": sessions.get("maxConcurrentClients", 0),
            "max_sessions_per_member": sessions.get("maxConcurrentSessionsPerMember", 0),
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        settings: dict = {}
        for name, path in SETTINGS_FIELDS.items():
            section, key = path.split(".")[1:]
            value = data[name]
            settings.setdefault(section, {})[key] = value * _SECONDS[name] if name in _SECONDS else value
        settings["auth"]["allowLoginWithPassword"] = settings["auth"]["allowLoginWithEmail"] = not data["require_sso"]
        return {
            "name": data["name"],
            "slug": data["slug"],
            "settings": settings,
            "default_org_role_id": data["default_role"],
            "default_team_id": data["default_team"],
        }
