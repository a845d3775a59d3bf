from django.urls import path

from . import views

app_name = "beneficiaries"
urlpatterns = [
    path("", views.beneficiary_list, name="list"),
    path("<int:pk>/", views.beneficiary_detail, name="detail"),
    path("<int:pk>/cek-lapangan/", views.field_check, name="field_check"),
    path("<int:pk>/status/", views.transition, name="transition"),
    path("<int:pk>/penyaluran/", views.disburse, name="disburse"),
    path("<int:pk>/paket/", views.package, name="package"),
    path("paket/<int:pk>/serah-terima/", views.handover, name="handover"),
    path("bukti/<int:pk>/", views.proof, name="proof"),
    path("penduduk/<int:pk>/", views.person_programs, name="person_programs"),
    path("keluarga/<int:pk>/", views.family_programs, name="family_programs"),
    path("penyaluran/", views.disbursement_report, name="disbursements"),
]
