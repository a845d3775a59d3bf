from django.urls import path

from . import views

app_name = "decrees"
urlpatterns = [
    path("", views.decree_list, name="list"),
    path("baru/<int:cohort>/", views.decree_new, name="new"),
    path("<int:pk>/", views.decree_detail, name="detail"),
    path("<int:pk>/setujui/", views.decree_approve, name="approve"),
    path("<int:pk>/batal/", views.decree_cancel, name="cancel"),
    path("<int:pk>/sk.pdf", views.decree_document, name="pdf"),
    path("<int:pk>/daftar/", views.decree_export, name="export"),
]
