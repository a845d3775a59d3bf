from django.contrib.auth import views as auth_views
from django.urls import path

from . import token_views, views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path("pengguna/", views.user_list, name="user_list"),
    path("pengguna/ekspor/", views.user_export, name="user_export"),
    path("pengguna/baru/", views.user_create, name="user_create"),
    path("pengguna/<int:pk>/", views.user_detail, name="user_detail"),
    path("pengguna/<int:pk>/status/", views.user_toggle_active, name="user_toggle_active"),
    path("pengguna/<int:pk>/kata-sandi/", views.user_reset_password, name="user_reset_password"),
    path("token-api/", token_views.token_list, name="token_list"),
    path("token-api/<int:pk>/cabut/", token_views.token_revoke, name="token_revoke"),
]
