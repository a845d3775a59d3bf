"""The error pages."""

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.urls import reverse

from padu.accounts.capabilities import Role
from tests.factories import make_user


class TestErrorPages:
    def test_403_page_for_a_missing_capability(self, client, db):
        client.force_login(make_user(Role.PSM, language="en"))
        response = client.get(reverse("accounts:user_list"))
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]
        assert "You may not open this page" in response.content.decode()

    def test_404_page(self, client, db):
        client.force_login(make_user(Role.PSM, language="en"))
        response = client.get("/tidak-ada/")
        assert response.status_code == 404
        assert "404.html" in [t.name for t in response.templates]
        assert "outside your area" in response.content.decode()

    def test_500_page_renders_without_a_request(self):
        html = get_template("500.html").render()  # as django.views.defaults.server_error does
        assert "<main" in html
        assert "padu/css/padu.css" in html

    @override_settings(DEBUG=False)
    def test_500_page_is_served_for_an_exception(self, db):
        from django.test import Client
        from django.urls import path

        def boom(request):
            raise RuntimeError("boom")

        urlconf = type("Urls", (), {"urlpatterns": [path("boom/", boom)], "handler500": None})
        with override_settings(ROOT_URLCONF=urlconf):
            client = Client(raise_request_exception=False)
            response = client.get("/boom/")
        assert response.status_code == 500
        assert "<main" in response.content.decode()


@pytest.mark.parametrize("template", ["403.html", "404.html"])
def test_error_templates_extend_the_base_layout(template):
    source = get_template(template).template.source
    assert source.startswith('{% extends "base.html" %}')


@pytest.mark.parametrize("template", ["400.html", "403_csrf.html", "405.html"])
def test_every_error_page_extends_the_base_layout(template):
    source = get_template(template).template.source
    assert source.startswith('{% extends "base.html" %}')


class TestErrorPagesInIndonesian:
    """Every error status a browser can meet is a page in the layout, in the user's language."""

    @pytest.fixture
    def signed_in(self, client, db):
        client.force_login(make_user(Role.OPERATOR, language="id"))
        return client

    def test_400(self, signed_in):
        from django.core.exceptions import BadRequest
        from django.urls import path

        from padu import urls

        def bad(request):
            raise BadRequest("bad")

        urlconf = type(
            "Urls",
            (),
            {"urlpatterns": [path("bad/", bad), *urls.urlpatterns], "handler400": urls.handler400},
        )
        with override_settings(ROOT_URLCONF=urlconf):
            response = signed_in.get("/bad/")
        assert response.status_code == 400
        assert "Permintaan tidak dapat dibaca" in response.content.decode()

    def test_403(self, client, db):
        client.force_login(make_user(Role.PSM, language="id"))
        response = client.get(reverse("accounts:user_list"))
        assert response.status_code == 403
        assert "Anda tidak boleh membuka halaman ini" in response.content.decode()

    def test_404(self, signed_in):
        response = signed_in.get("/tidak-ada/")
        assert response.status_code == 404
        assert "Halaman tidak ditemukan" in response.content.decode()

    def test_405_for_a_form_address_opened_directly(self, signed_in):
        response = signed_in.get(reverse("core:set_language"))
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        html = response.content.decode()
        assert "Alamat ini tidak dapat dibuka" in html
        assert 'id="site-nav"' in html  # the layout, with the menu

    def test_405_of_the_api_is_left_to_the_api(self, client, db):
        response = client.delete("/api/v1/families")
        assert response.status_code == 405
        assert "Alamat ini tidak dapat dibuka" not in response.content.decode()

    def test_csrf_failure(self, db):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(Role.OPERATOR, language="id"))
        response = client.post(reverse("core:set_language"), {"language": "en"})
        assert response.status_code == 403
        assert "Formulir sudah kedaluwarsa" in response.content.decode()


def test_a_refused_request_is_logged_on_one_line(client, db, caplog):
    """The demo's terminal showed a whole traceback for every 403."""
    client.force_login(make_user(Role.PSM, language="en"))
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(reverse("accounts:user_list")).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /akun/pengguna/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
