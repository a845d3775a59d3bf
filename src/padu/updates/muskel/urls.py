from django.urls import path

from . import views

app_name = "muskel"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("baru/", views.session_new, name="new"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/aksi/", views.session_action, name="action"),
    path("<int:pk>/berita-acara.pdf", views.berita_acara, name="berita_acara"),
    path("<int:pk>/daftar/", views.agenda_export, name="agenda_export"),
]
