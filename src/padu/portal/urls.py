from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.check, name="check"),
    path("usul/", views.propose, name="propose"),
    path("sanggah/", views.object_to, name="object"),
    path("tanda-terima/", views.receipt, name="receipt"),
]
