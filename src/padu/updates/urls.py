from django.urls import path

from . import views

app_name = "updates"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("unduh/", views.request_export, name="request_export"),
    path("baru/", views.request_new, name="request_new"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/langkah/<str:name>/", views.request_step, name="request_step"),
    path("bukti/<int:pk>/", views.evidence_file, name="evidence_file"),
]
