"""The API documentation page: Padu's own, rendered from the OpenAPI document in the site's
layout, in the user's language, without scripts.

Swagger UI (vendored until now) was English only and failed 61 axe-core checks (contrast,
buttons inside buttons); this page lists the same document: per tag, each operation with its
method, path, summary, parameters, request body and answers, and every schema they name with
its fields. The machine-readable document stays at /api/v1/openapi.json.

Texts come from the document (English, whatever the reader's language, so that it does not
depend on who generated it) and pass through gettext here: the summaries, tags and introduction
are marked for translation where they are written.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from ninja.openapi.docs import DocsBase

from padu.dci import docs as dci_docs

from .document import document_of

REF = "#/components/schemas/"
METHODS = ("get", "post", "put", "patch", "delete")


def markdown(text: str) -> SafeString:
    """The little Markdown the document uses: paragraphs, **bold**, *emphasis*, `code`."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        html = escape(" ".join(block.split()))
        html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
        html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
        html = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", html)
        paragraphs.append(f"<p>{html}</p>")
    return mark_safe("".join(paragraphs))  # noqa: S308 (escaped above, then only our tags)


def schema_id(name: str) -> str:
    return f"schema-{name}"


def type_html(schema: dict) -> SafeString:
    """A schema's type in words, with a link to each named schema it refers to."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return format_html('<a href="#{}">{}</a>', schema_id(name), name)
    if "anyOf" in schema:
        kinds = [s for s in schema["anyOf"] if s.get("type") != "null"]
        text = mark_safe(" | ".join(type_html(s) for s in kinds))  # noqa: S308 (built escaped)
        if len(kinds) < len(schema["anyOf"]):
            return format_html("{} {}", text, _("or null"))
        return text
    kind = schema.get("type", "")
    if kind == "array":
        return format_html("{} {}", _("list of"), type_html(schema.get("items", {})))
    details = []
    if "format" in schema:
        details.append(schema["format"])
    if "enum" in schema:
        details.append(", ".join(str(v) for v in schema["enum"]))
    if "pattern" in schema:
        details.append(schema["pattern"])
    if "maxLength" in schema:
        details.append(_("at most %(count)s characters") % {"count": schema["maxLength"]})
    if "minimum" in schema or "maximum" in schema:
        details.append(f"{schema.get('minimum', '')}–{schema.get('maximum', '')}")
    if not details:
        return format_html("{}", kind)
    return format_html("{} ({})", kind, "; ".join(details))


def describe(schema: dict) -> str:
    text = schema.get("description", "")
    return _(text) if text else ""


def body_html(content: dict | None) -> SafeString:
    """The JSON schema of a request or answer body, the media types of a file, or nothing."""
    content = content or {}
    schema = content.get("application/json", {}).get("schema")
    if schema:
        return type_html(schema)
    if content:
        return format_html_join(", ", "<code>{}</code>", ((kind,) for kind in content))
    return mark_safe("—")


def fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_html(prop),
            "required": name in required,
            "description": describe(prop),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(document: dict) -> list[dict]:
    """The operations grouped by tag, in the document's order."""
    groups: dict[str, list] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or [""])[0]
            body = operation.get("requestBody", {})
            groups.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId") or f"{method}-{path}",
                    "method": method.upper(),
                    "path": path,
                    "summary": _(operation.get("summary", "")),
                    "description": markdown(_(operation.get("description", ""))),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_html(p.get("schema", {})),
                            "description": describe(p) or describe(p.get("schema", {})),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": body_html(body.get("content")) if body else None,
                    "responses": [
                        {
                            "status": status,
                            "description": _(answer.get("description", "")),
                            "body": body_html(answer.get("content")),
                        }
                        for status, answer in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return [{"tag": _(tag), "operations": ops} for tag, ops in groups.items()]


def schemas(document: dict) -> list[dict]:
    return [
        {
            "id": schema_id(name),
            "name": name,
            "description": markdown(describe(schema)),
            "fields": fields(schema),
            "values": format_html_join(", ", "<code>{}</code>", ((v,) for v in schema["enum"]))
            if "enum" in schema
            else "",
        }
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]


class PaduDocs(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        document = document_of(api)
        return render(
            request,
            "api/docs.html",
            {
                "title": document["info"]["title"],
                "version": document["info"]["version"],
                "introduction": markdown(_(document["info"].get("description", ""))),
                "groups": operations(document),
                "schemas": schemas(document),
                "openapi_url": self.get_openapi_url(api, kwargs),
                "dci": dci_docs.summary(),
            },
        )
