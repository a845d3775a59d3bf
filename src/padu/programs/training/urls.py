from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("baru/", views.course_new, name="new"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/aksi/", views.course_action, name="action"),
]
