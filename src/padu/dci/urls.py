"""The DCI endpoints' addresses, mounted at /api/dci/v1/ (padu/api/urls.py): the paths of the
standard's document under its server address."""

from django.urls import path

from . import views

app_name = "dci"

urlpatterns = [
    path("registry/sync/search", views.sync_search, name="sync_search"),
    path("registry/search", views.async_search, name="search"),
    path("registry/sync/txn/status", views.sync_txn_status, name="sync_txn_status"),
    path("registry/txn/status", views.async_txn_status, name="txn_status"),
    path("openapi.json", views.document, name="openapi"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
