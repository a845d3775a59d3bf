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
