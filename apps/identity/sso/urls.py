from django.urls import path

from apps.identity.sso.views import flow, pages

urlpatterns = [
    path("sso/<str:idp_id>/start", flow.SsoStartView.as_view(), name="sso-start"),
    path("sso/callback", flow.SsoCallbackView.as_view(), name="sso-callback"),
    path("identity/sso/", pages.idp_list_page, name="sso-idps"),
    path("identity/sso/new/", pages.idp_new_page, name="sso-idp-new"),
    path("identity/sso/new/<slug:type_id>/", pages.idp_create_page, name="sso-idp-create"),
    path("identity/sso/new/<slug:type_id>/auto-setup/", pages.idp_auto_setup_page, name="sso-idp-auto-setup"),
    path("identity/sso/linked/", pages.identities_page, name="sso-identities"),
    path("identity/sso/linked/<str:identity_id>/unlink", pages.identity_unlink_page, name="sso-identity-unlink"),
    path("identity/sso/<str:idp_id>/", pages.idp_edit_page, name="sso-idp"),
    path("identity/sso/<str:idp_id>/rotate-secret", pages.idp_rotate_page, name="sso-idp-rotate"),
    path("identity/sso/<str:idp_id>/delete", pages.idp_delete_page, name="sso-idp-delete"),
]
