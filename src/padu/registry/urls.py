from django.urls import path

from .views import (
    desil,
    disabilities,
    dwellings,
    families,
    households,
    imports,
    lists,
    mapping,
    people,
    reference,
)

app_name = "registry"
urlpatterns = [
    # lists, search and exports
    path("keluarga/", lists.family_list, name="family_list"),
    path("keluarga/ekspor/", lists.family_export, name="family_export"),
    path("individu/", lists.person_list, name="person_list"),
    path("individu/ekspor/", lists.person_export, name="person_export"),
    # records
    path("keluarga/baru/", families.family_create, name="family_create"),
    path("keluarga/<int:pk>/", families.family_detail, name="family_detail"),
    path("keluarga/<int:pk>/ubah/", families.family_edit, name="family_edit"),
    path("keluarga/<int:pk>/status/", families.family_status, name="family_status"),
    path("keluarga/<int:pk>/desil/", desil.family_desil, name="family_desil"),
    path("keluarga/<int:pk>/anggota/baru/", people.member_add, name="member_add"),
    path("keluarga/<int:pk>/rumah-tangga/", households.family_household, name="family_household"),
    path("keluarga/<int:pk>/pecah-kk/", households.family_split, name="family_split"),
    path(
        "individu/<int:pk>/pindah-keluarga/",
        households.person_move_family,
        name="person_move_family",
    ),
    path("rumah-tangga/<int:pk>/", dwellings.dwelling_detail, name="dwelling_detail"),
    path("rumah-tangga/<int:pk>/ubah/", dwellings.dwelling_edit, name="dwelling_edit"),
    path("individu/<int:pk>/", people.person_detail, name="person_detail"),
    path("individu/<int:pk>/ubah/", people.person_edit, name="person_edit"),
    path("individu/<int:pk>/status/", people.person_status, name="person_status"),
    path("individu/<int:pk>/disabilitas/baru/", disabilities.disability_add, name="disability_add"),
    path("disabilitas/<int:pk>/akhiri/", disabilities.disability_end, name="disability_end"),
    path("individu/<int:pk>/asesmen-ppks/", disabilities.ppks_assess, name="ppks_assess"),
    # imports
    path("impor/", imports.import_list, name="import_list"),
    path("impor/ekspor/", imports.import_list_export, name="import_export"),
    path("impor/baru/", imports.import_create, name="import_create"),
    path("impor/templat/", imports.import_template, name="import_template"),
    path("impor/kolom/<slug:token>/", mapping.import_map, name="import_map"),
    path("impor/<int:pk>/", imports.import_detail, name="import_detail"),
    path("impor/<int:pk>/progres/", imports.import_progress, name="import_progress"),
    path("impor/<int:pk>/kesalahan/", imports.import_errors, name="import_errors"),
    path("impor/<int:pk>/jalankan-lagi/", imports.import_rerun, name="import_rerun"),
    # reference tables
    path("ppks/", reference.ppks_list, name="ppks_list"),
    path("ppks/baru/", reference.ppks_create, name="ppks_create"),
    path("ppks/<int:pk>/", reference.ppks_edit, name="ppks_edit"),
    path("ppks/<int:pk>/status/", reference.ppks_status, name="ppks_status"),
]
