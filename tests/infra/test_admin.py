import pytest
from django.test import Client

from apps.core import clock
from apps.identity.services.logins import login_create
from apps.identity.sessions import SESSION_LOGIN_KEY
from apps.infra.models import ClusterMetricSample
from apps.infra.services.cluster_teams import cluster_teams_add


@pytest.fixture
def staff(alice) -> Client:
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client = Client()
    client.force_login(alice, backend="apps.identity.backends.EmailBackend")
    login, _token = login_create(user=alice)
    session = client.session
    session[SESSION_LOGIN_KEY] = login.pk
    session.save()
    return client


def test_every_infra_model_has_an_admin_and_the_external_id_stays_hidden(staff, owner, connection, active, data_team):
    cluster_teams_add(principal=owner, cluster=active, team_ids=[data_team.pk])
    ClusterMetricSample.objects.create(cluster=active, at=clock.now(), cpu_percent=1.0)
    for name in ("connection", "network", "provisionedcluster", "cluster", "clustermetricsample", "sailprocess"):
        response = staff.get(f"/admin/infra/{name}/")
        assert response.status_code == 200, name
    page = staff.get(f"/admin/infra/connection/{connection.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert connection.external_id not in html and "•••••••• (set)" in html
    assert staff.get(f"/admin/infra/provisionedcluster/{active.pk}/change/").status_code == 200
