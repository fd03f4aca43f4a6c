from django.urls import include, path

from apps.identity import views

urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("", include("apps.identity.sso.urls")),
]
