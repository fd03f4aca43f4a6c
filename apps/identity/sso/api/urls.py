from django.urls import path

from apps.identity.sso.api import views

urlpatterns = [
    path("auth/identity-provider-types", views.ProviderTypesView.as_view()),
    path("auth/idps", views.IdentityProvidersView.as_view()),
    path("auth/idps/auto-setup", views.AutoSetupView.as_view()),
    path("auth/idps/<str:idp>", views.IdentityProviderView.as_view()),
    path("auth/idps/<str:idp>/rotate-secret", views.RotateSecretView.as_view()),
    path("auth/idps/<str:idp>/test-connection", views.TestConnectionView.as_view()),
]
