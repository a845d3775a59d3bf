from django.urls import path, register_converter

from . import months, views


class MonthConverter:
    """A period in an address: 2026-11 (the view gets its key, 202611). A longer year matches
    and is answered 404, as any month that was never closed."""

    regex = r"[0-9]{4,9}-[0-9]{2}"

    def to_python(self, value: str) -> int:
        month = months.parse(value)
        if month is None:
            raise ValueError(value)
        return month

    def to_url(self, value: int) -> str:
        return months.text(value)


register_converter(MonthConverter, "month")

app_name = "periods"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("unduh/", views.period_export, name="export"),
    path("tutup/", views.period_close, name="close"),
    path("<month:month>/", views.period_detail, name="detail"),
    path("<month:month>/buka-kembali/", views.period_reopen, name="reopen"),
    path("<month:month>/keluarga/", views.families, name="families"),
    path("<month:month>/keluarga/unduh/", views.families_export, name="families_export"),
    path("<month:month>/individu/", views.people, name="people"),
    path("<month:month>/individu/unduh/", views.people_export, name="people_export"),
]
