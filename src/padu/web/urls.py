"""The top layer's pages. They keep the URL names of the apps whose data they show (`core:home`,
`core:audit`, `regions:browse`, ...): links and bookmarks did not change when the views moved here
from `core` and `regions`. padu/urls.py mounts each group under its namespace."""

from django.urls import path

from .views import access, audit, home, regions

core_urls = (
    [
        path("", home.home, name="home"),
        path("bahasa/", home.set_language, name="set_language"),
        path("audit/", audit.audit_list, name="audit"),
        path("audit/ekspor/", audit.audit_export, name="audit_export"),
        path("akses/", access.access_list, name="access"),
        path("akses/ekspor/", access.access_export, name="access_export"),
        path("akses/individu/<int:pk>/", access.person_access, name="person_access"),
    ],
    "core",
)
regions_urls = (
    [
        path("", regions.region_browse, name="browse"),
        path("kode-berakhir/", regions.ended_codes, name="ended"),
        path("<str:code>/", regions.region_browse, name="detail"),
    ],
    "regions",
)
