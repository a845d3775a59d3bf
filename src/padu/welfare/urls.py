from django.urls import path

from . import views

app_name = "welfare"
urlpatterns = [
    path("bobot/", views.weights, name="weights"),
    path("bobot/versi/<int:number>/", views.version, name="version"),
    path("hitung-ulang/", views.recompute_start, name="recompute_start"),
    path("hitung-ulang/<int:pk>/", views.recompute, name="recompute"),
]
