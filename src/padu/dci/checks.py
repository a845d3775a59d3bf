"""`padu check` (and every start) refuses a signing key Padu could not sign with, rather than
answering every DCI request with an error."""

from django.core.checks import Error


def signing_key(app_configs=None, **kwargs) -> list[Error]:
    from .signing import own_key

    try:
        own_key()
    except ValueError:
        return [
            Error(
                "PADU_DCI_SIGNING_KEY is not the base64 of a 32-byte ed25519 private key "
                "(make one with `padu dci signing-key`).",
                id="padu.dci.E001",
            )
        ]
    return []
