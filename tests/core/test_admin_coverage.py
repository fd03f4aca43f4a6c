"""Every model of the console's apps has an admin screen (the customer asked for it), its own or as an inline of
its parent's: a new model without one fails."""

from django.apps import apps
from django.contrib import admin

OWN_APPS = ("core", "identity", "sso", "org", "infra", "workloads", "notifications")


def test_every_model_is_in_the_admin():
    shown = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        shown.update(inline.model for inline in model_admin.inlines)
    missing = [
        f"{model._meta.app_label}.{model.__name__}"
        for label in OWN_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.auto_created and model not in shown
    ]
    assert missing == []


def test_every_admin_list_renders_with_its_search(db, alice):
    """Catches a list_display, filter or search field that names something the model does not have."""
    from django.test import Client

    from apps.identity.services.logins import login_create
    from apps.identity.sessions import SESSION_LOGIN_KEY

    alice.is_staff = alice.is_superuser = True
    alice.save()
    client = Client()
    client.force_login(alice, backend="apps.identity.backends.EmailBackend")
    session = client.session
    session[SESSION_LOGIN_KEY] = login_create(user=alice)[0].pk
    session.save()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OWN_APPS:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "x"}).status_code == 200, f"{url}?q=x"
