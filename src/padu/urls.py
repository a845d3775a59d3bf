from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("padu.core.urls")),
    path("akun/", include("padu.accounts.urls")),
    path("wilayah/", include("padu.regions.urls")),
    path("registri/", include("padu.registry.urls")),
    path("api/v1/", include("padu.api.urls")),
    path("django-admin/", admin.site.urls),
]
