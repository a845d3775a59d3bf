from django.contrib import admin
from django.urls import include, path

from padu.web.urls import core_urls, regions_urls

handler400 = "padu.core.http.bad_request"

urlpatterns = [
    path("", include(core_urls)),
    path("akun/", include("padu.accounts.urls")),
    path("wilayah/", include(regions_urls)),
    path("registri/", include("padu.registry.urls")),
    path("kesejahteraan/", include("padu.welfare.urls")),
    path("muskel/", include("padu.updates.muskel.urls")),
    path("usulan/", include("padu.updates.urls")),
    path("tugas/", include("padu.updates.verification_urls")),
    path("notifikasi/", include("padu.notifications.urls")),
    path("periode/", include("padu.periods.urls")),
    # Programs after the targeting: beneficiaries, decrees, groups, training (padu.programs).
    path("penerima/", include("padu.programs.beneficiaries.urls")),
    path("sk/", include("padu.programs.decrees.urls")),
    path("kelompok/", include("padu.programs.groups.urls")),
    path("pelatihan/", include("padu.programs.training.urls")),
    path("program/", include("padu.programs.urls")),
    # The public page: no login (padu.portal).
    path("cek/", include("padu.portal.urls")),
    path("api/", include("padu.api.urls")),
    path("django-admin/", admin.site.urls),
]
