from django.urls import path

from .views import catalogue, cohorts

app_name = "programs"
urlpatterns = [
    path("", catalogue.program_list, name="list"),
    path("baru/", catalogue.program_edit, name="new"),
    path("<int:pk>/", catalogue.program_detail, name="detail"),
    path("<int:pk>/ubah/", catalogue.program_edit, name="edit"),
    path("<int:pk>/kecocokan/", catalogue.program_compatibility, name="compatibility"),
    path("<int:pk>/aturan/", catalogue.rules_edit, name="rules"),
    path("<int:pk>/aturan/baris/", catalogue.rule_row, name="rule_row"),
    path("angkatan/", cohorts.cohort_list, name="cohort_list"),
    path("angkatan/baru/", cohorts.cohort_edit, name="cohort_new"),
    path("angkatan/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("angkatan/<int:pk>/ubah/", cohorts.cohort_edit, name="cohort_edit"),
    path("angkatan/<int:pk>/jalankan/", cohorts.cohort_run, name="cohort_target"),
    path("angkatan/<int:pk>/kandidat/", cohorts.candidate_list, name="candidate_list"),
    path("angkatan/<int:pk>/kandidat/unduh/", cohorts.candidate_export, name="candidate_export"),
    path(
        "angkatan/<int:pk>/penjelasan/<int:person_pk>/",
        cohorts.person_explain,
        name="explain",
    ),
    path("kandidat/<int:pk>/mundur/", cohorts.candidate_drop_view, name="candidate_drop"),
]
