from django.urls import path

from . import verification_views as views

app_name = "verification"
urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("wilayah/", views.task_list, name="task_list"),
    path("wilayah/unduh/", views.task_export, name="task_export"),
    path("tugaskan/<int:request_pk>/", views.task_assign, name="task_assign"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/selesai/", views.task_complete, name="task_complete"),
    path("<int:pk>/alihkan/", views.task_reassign, name="task_reassign"),
]
