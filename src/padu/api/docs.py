"""The API documentation page, served from vendored assets (see static/api/swagger/README.md).

Ninja's own Swagger page loads its files from a CDN unless `ninja` is an installed app; an office
may be offline and Padu's CSP allows scripts only from itself, so Padu renders its own template
with a local copy of Swagger UI and no inline script.
"""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class VendoredSwagger(DocsBase):
    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "persistAuthorization": False,
        "tryItOutEnabled": False,
    }

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # `</` cannot end the <script type="application/json"> block early.
        payload = json.dumps(settings).replace("</", "<\\/")
        return render(request, "api/swagger.html", {"api": api, "swagger_settings": payload})
