"""The API page documents the DCI endpoints from the code that answers them."""

from padu.dci import codes, query


def test_the_api_page_lists_the_dci_endpoints_attributes_and_codes(client, db):
    html = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="dci-heading"' in html
    for path in (
        "registry/sync/search",
        "registry/search",
        "registry/sync/txn/status",
        "registry/txn/status",
    ):
        assert f"<code>/api/dci/v1/{path}</code>" in html
    assert 'href="/api/dci/v1/openapi.json"' in html
    assert 'href="/api/dci/v1/.well-known/jwks.json"' in html
    for attribute in query.Attributes(
        entity=codes.MEMBER, disclosure=query.Disclosure(full=True)
    ).handlers:
        assert f"<code>{attribute}</code>" in html
    for dci_code in [*codes.SEX.values(), *codes.RELATIONSHIP.values()]:
        if dci_code is not None:
            assert f"<code>{dci_code}</code>" in html
    assert "<code>HOUSEHOLD_ID</code>" in html
