from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("baru/", views.group_new, name="new"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/aksi/", views.group_action, name="action"),
    path("<int:pk>/hibah/", views.group_grant, name="grant"),
    path("<int:pk>/penyaluran/", views.group_pay, name="pay"),
]
