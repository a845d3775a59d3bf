from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("bahasa/", views.set_language, name="set_language"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/ekspor/", views.audit_export, name="audit_export"),
]
