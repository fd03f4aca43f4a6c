import pytest

from apps.core.principal import Principal
from apps.identity.services.users import user_create
from apps.org.models import Member, TeamRole
from apps.org.services.organizations import member_add
from apps.org.services.teams import team_create, team_member_add
from tests.conftest import PASSWORD


def owner_principal(user, org) -> Principal:
    return Principal(user=user, org=org, member=Member.objects.get(user=user, organization=org))


@pytest.fixture
def viewer(acme):
    """Viewer of Acme: may read what their teams reach, never write."""
    user = user_create(email="victor@acme.test", password=PASSWORD, given_name="Victor")
    member_add(org=acme, user=user, role_keys=["viewer"])
    return user


@pytest.fixture
def as_alice(alice, acme) -> Principal:
    return owner_principal(alice, acme)


@pytest.fixture
def data_team(as_alice):
    return team_create(principal=as_alice, name="Data")


@pytest.fixture
def team_role(acme):
    return lambda key: TeamRole.objects.get(organization=acme, key=key)


@pytest.fixture
def member_of(acme):
    return lambda user: Member.objects.get(organization=acme, user=user)


@pytest.fixture
def in_team(as_alice, member_of, team_role):
    def add(team, user, role_key="team_member"):
        return team_member_add(principal=as_alice, team=team, member=member_of(user), role_ids=[team_role(role_key).pk])

    return add
