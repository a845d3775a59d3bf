"""A citizen's proposal (usul) and objection (sanggah) on the public page, and the receipt page:
a request is made through the updates app and followed by its receipt number; every bad input is
refused with a clear message and nothing written; an objection names its family by NIK and name,
and a wrong name is answered as an unregistered NIK is."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from padu.portal import keys
from padu.portal.models import Lookup
from padu.updates.codes import RequestKind, RequestSource, RequestState
from padu.updates.models import ChangeRequest, RequestEvent, RequestEvidence
from tests.factories import JPEG_BYTES, KEL_A, KEL_B, PDF_BYTES, FamilyFactory, PersonFactory

pytestmark = pytest.mark.django_db
PROPOSE = reverse("portal:propose")
OBJECT = reverse("portal:object")
RECEIPT = reverse("portal:receipt")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def photo(name="rumah.jpg", content=JPEG_BYTES, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def proposal(**changes):
    data = {
        "region": KEL_A,
        "address": "Jl. Sawahan No. 5",
        "kk_number": "",
        "name": "Yusuf Hamdani",
        "nik": "",
        "reason": "Suami meninggal, tiga anak masih sekolah.",
        "photo": photo(),
        "citizen_name": "Warga Peduli",
        "contact": "0812 3456 7890",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


@pytest.fixture
def member():
    return PersonFactory(family=FamilyFactory(), name="Hendra Gunawan")


def objection(member, **changes):
    data = {
        "nik": member.nik,
        "name": member.name,
        "reason": "Punya dua mobil dan toko.",
        "photo": photo(),
        "citizen_name": "Warga Peduli",
        "contact": "",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def nothing_written():
    assert ChangeRequest.objects.unscoped().count() == 0
    assert RequestEvent.objects.unscoped().count() == 0
    assert RequestEvidence.objects.unscoped().count() == 0


def receipt_of(response) -> str:
    assert response.status_code == 302
    match = re.fullmatch(re.escape(RECEIPT) + r"\?nomor=([A-Z0-9]+)", response["Location"])
    assert match, response["Location"]
    return match.group(1)


@pytest.mark.parametrize("url", [PROPOSE, OBJECT, RECEIPT])
def test_the_request_pages_open_without_login(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="portal-nav"' in response.content.decode()  # the public page's own menu


def test_a_citizen_proposes_a_family_and_follows_it(client):
    response = client.post(PROPOSE, proposal(nik=PersonFactory.build().nik))
    receipt = receipt_of(response)
    request = ChangeRequest.objects.unscoped().get()
    assert (request.receipt, request.kind, request.source, request.state, request.region_id) == (
        receipt,
        RequestKind.NEW_FAMILY,
        RequestSource.CITIZEN,
        RequestState.SUBMITTED,
        KEL_A,
    )
    assert request.payload["family"]["address"] == "Jl. Sawahan No. 5"
    assert request.payload["members"][0]["name"] == "Yusuf Hamdani"
    assert request.citizen_name == "Warga Peduli"
    assert [e.content_type for e in request.evidence.all()] == ["image/jpeg"]
    [logged] = Lookup.objects.unscoped().filter(kind=Lookup.Kind.PROPOSAL)
    assert logged.nik_digest == ""

    page = client.get(response["Location"])
    html = page.content.decode()
    assert receipt in html
    assert str(RequestState.SUBMITTED.label) in html
    # Only the state: not who proposed, whom, nor why.
    for private in ("Warga Peduli", "Yusuf Hamdani", "Sawahan", "Suami meninggal", "0812"):
        assert private not in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"photo": None}, "photo"),
        ({"photo": photo("kk.pdf", PDF_BYTES, "application/pdf")}, "photo"),
        ({"photo": photo("rumah.txt", b"teks", "text/plain")}, "photo"),
        ({"photo": photo("rumah.jpg", b"GIF89a not a jpeg", "image/jpeg")}, "photo"),
        ({"photo": photo("rumah.jpg", b"", "image/jpeg")}, "photo"),
        ({"region": ""}, "region"),
        ({"region": KEL_A.replace("1001", "9999")}, "region"),
        ({"address": ""}, "address"),
        ({"name": ""}, "name"),
        ({"name": "12345"}, "name"),
        ({"nik": "12345"}, "nik"),
        ({"kk_number": "1371"}, "kk_number"),
        ({"reason": ""}, "reason"),
        ({"citizen_name": ""}, "citizen_name"),
    ],
)
def test_a_bad_proposal_is_refused_and_nothing_written(client, changes, field):
    response = client.post(PROPOSE, proposal(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    assert gettext("Please correct the errors below.") in html
    nothing_written()
    assert Lookup.objects.unscoped().count() == 0


def test_a_photo_over_the_limit_is_refused(client, settings):
    settings.PADU_EVIDENCE_MAX_BYTES = len(JPEG_BYTES) - 1
    response = client.post(PROPOSE, proposal())
    assert response.status_code == 400
    assert "photo" in response.context["form"].errors
    nothing_written()


def test_a_citizen_objects_to_a_registered_family(client, member):
    receipt = receipt_of(client.post(OBJECT, objection(member, name=member.name.upper())))
    request = ChangeRequest.objects.unscoped().get()
    assert (request.receipt, request.kind, request.family_id, request.state) == (
        receipt,
        RequestKind.OBJECTION,
        member.family_id,
        RequestState.SUBMITTED,
    )
    assert request.notes == "Punya dua mobil dan toko."
    [logged] = Lookup.objects.unscoped()
    assert (logged.kind, logged.found, logged.family_id) == (
        Lookup.Kind.OBJECTION,
        True,
        member.family_id,
    )
    assert logged.nik_digest == keys.nik_digest(member.nik)


def without_token(response) -> bytes:
    return CSRF.sub(b"", response.content)


def test_an_objection_to_a_wrong_name_is_answered_as_an_unregistered_nik(client, member):
    wrong_name = client.post(OBJECT, objection(member, name="Siti Aminah"))
    other = PersonFactory.build(region_id=KEL_B).nik
    unregistered = client.post(OBJECT, objection(member, nik=other, name="Siti Aminah"))
    assert wrong_name.status_code == unregistered.status_code == 400
    # The same page, but for the NIK each form shows back as it was typed.
    assert without_token(wrong_name).replace(member.nik.encode(), b"NIK") == without_token(
        unregistered
    ).replace(other.encode(), b"NIK")
    assert gettext("No registered family was found for this NIK and name") in (
        wrong_name.content.decode()
    )
    nothing_written()
    # Both count against the NIK's limit, as checks do.
    assert [row.found for row in Lookup.objects.unscoped()] == [False, False]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"photo": None}, "photo"),
        ({"photo": photo("rumah.jpg", b"not a photo", "image/jpeg")}, "photo"),
        ({"reason": ""}, "reason"),
        ({"nik": "123"}, "nik"),
        ({"name": ""}, "name"),
        ({"citizen_name": ""}, "citizen_name"),
    ],
)
def test_a_bad_objection_is_refused_and_nothing_written(client, member, changes, field):
    response = client.post(OBJECT, objection(member, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    nothing_written()


def test_an_address_may_send_only_so_many_requests(client, member, settings):
    settings.PADU_PORTAL_REQUESTS_PER_ADDRESS = 1
    receipt_of(client.post(PROPOSE, proposal()))
    refused = client.post(OBJECT, objection(member))
    assert refused.status_code == 429
    assert ChangeRequest.objects.unscoped().count() == 1
    # Checking and following are still open to it.
    assert client.get(RECEIPT).status_code == 200


@pytest.mark.parametrize("number", ["AAAAAAAAAA", "12", "ÄÖÜ"])
def test_an_unknown_receipt_says_so(client, number):
    response = client.get(RECEIPT, {"nomor": number})
    assert response.status_code == 200
    html = response.content.decode()
    assert gettext("No request has this receipt number. Check it and try again.") in html


def test_an_empty_receipt_number_is_asked_for(client):
    response = client.get(RECEIPT, {"nomor": ""})
    assert response.status_code == 400
    assert "nomor" in response.context["form"].errors


def test_receipts_are_rate_limited(client, settings):
    settings.PADU_PORTAL_LOOKUPS_PER_ADDRESS = 2
    for _ in range(2):
        assert client.get(RECEIPT, {"nomor": "AAAAAAAAAA"}).status_code == 200
    assert client.get(RECEIPT, {"nomor": "AAAAAAAAAA"}).status_code == 429


def test_no_request_page_weighs_over_200_kb(client, member):
    from .test_limits import PAGE_LIMIT, weight

    receipt = receipt_of(client.post(OBJECT, objection(member)))
    pages = {
        "propose": client.get(PROPOSE),
        "propose refused": client.post(PROPOSE, proposal(photo=None)),
        "object": client.get(OBJECT),
        "receipt": client.get(RECEIPT, {"nomor": receipt}),
    }
    for name, response in pages.items():
        total, assets = weight(client, response)
        assert assets, name
        assert total < PAGE_LIMIT, f"{name}: {total} bytes"
