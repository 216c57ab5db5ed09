from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lis.operations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("import/", include("lis.exchange.urls")),
    path("", include("lis.portal.urls")),
]

admin.site.site_header = admin.site.site_title = "LIS"
