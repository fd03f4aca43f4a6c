from django import forms

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.org.models import Organization, Role, Team, TeamRole
from apps.org.permissions import CATALOG

# Wire field names in the org services' errors → console form field names.
FORM_FIELDS = {
    "organizationRoleId": "role",
    "teamAssignments[0].teamId": "team",
    "roleIds": "roles",
    "defaultRoleId": "default_role",
    "memberId": "member",
}


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

    def __init__(self, *args, org: Organization, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(org)
        self.fields["role"].initial = org.default_org_role_id
        self.fields["team"].choices = [("", "No team"), *((t.pk, t.name) for t in teams)]


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Organization roles")

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(org)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    default_role = forms.ChoiceField(label="Default role for new members")

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_role"].choices = _team_role_choices(org)


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
    principal = forms.ChoiceField(label="Principal")
    permissions = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, principals: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal"].choices = principals
        self.fields["permissions"].choices = [(r.relation, r.relation) for r in CATALOG if not r.system_only]
