from django.urls import include, path

from apps.identity.api.views import auth, me

urlpatterns = [
    path("auth/login", auth.LoginView.as_view()),
    path("auth/logout", auth.LogoutView.as_view()),
    path("me", me.MeView.as_view()),
    path("me/organizations", me.MyOrganizationsView.as_view()),
    path("", include("apps.identity.sso.api.urls")),
]
