"""Issue 12's journey, every step on a 360 px phone through the menu and the pages' own links: a
citizen objects to a registered family on the public page; a PSM proposes a new family; the TKSK
sends both to field verification; the PSM verifies each with a photo; the kelurahan operator
schedules the Muskel, records its decisions, closes it and downloads the Berita Acara (a PDF); a
Dinsos operator checks and approves; the new family is in the registry with its history leading
back to the request, and the citizen's receipt shows the final state. Each page it passes is
checked by axe-core and for sideways scrolling."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.registry.codes import FamilyStatus, Relationship, Sex
from padu.registry.models import Family
from padu.updates.codes import RequestState
from padu.updates.models import ChangeRequest
from tests.factories import (
    JPEG_BYTES,
    KEC_A,
    KEL_A,
    KOTA,
    FamilyFactory,
    PersonFactory,
    make_kk,
    make_nik,
    make_user,
)

from .conftest import PHONE, login, screenshot
from .test_accessibility import overflow, violations

pytestmark = pytest.mark.e2e

PHOTO = {"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": JPEG_BYTES}
HEAD_BIRTH = datetime.date(1986, 5, 17)


class Journey:
    """The pages seen, each checked once: axe-core's violations and sideways scrolling."""

    def __init__(self):
        self.problems: dict[str, list[str]] = {}

    def check(self, page, name: str) -> None:
        found = violations(page)
        wider = overflow(page)
        if wider > 0:
            found.append(f"the page scrolls sideways by {wider} px")
        if found:
            self.problems[name] = found
        screenshot(page, f"updates-journey-{name}")


def menu(page, label: str) -> None:
    """Open the phone's menu and follow the entry `label`."""
    page.locator("[data-nav-toggle]").click()
    with page.expect_navigation():
        page.locator("#site-nav").get_by_role("link", name=label, exact=True).click()


def click(page, role: str, name: str, **kwargs) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, **kwargs).click()


def success(page) -> str:
    return page.locator(".message-success, .messages .success").first.inner_text()


def test_a_proposal_and_an_objection_from_the_field_to_the_registry(new_page):
    journey = Journey()
    psm = make_user(Role.PSM, scope=KEL_A, username="psm", first_name="Desi")
    make_user(Role.TKSK, scope=KEC_A, username="tksk")
    make_user(Role.KELURAHAN, scope=KEL_A, username="lurah")
    make_user(Role.OPERATOR, scope=KOTA, username="dinsos")
    objected = FamilyFactory(region_id=KEL_A, desil=4)
    PersonFactory(family=objected, region_id=KEL_A, name="Hendra Gunawan")

    # 1. A citizen objects on the public page, without an account.
    citizen = new_page(viewport=PHONE)
    citizen.goto(reverse("portal:object"))
    citizen.locator("input[name=nik]").fill(objected.members.get().nik)
    citizen.locator("input[name=name]").fill("Hendra Gunawan")
    citizen.locator("textarea[name=reason]").fill("Sudah punya dua mobil dan toko besar.")
    citizen.locator("input[name=photo]").set_input_files(PHOTO)
    citizen.locator("input[name=citizen_name]").fill("Warga Peduli")
    with citizen.expect_navigation():
        citizen.locator("form button[type=submit]").click()
    assert "nomor=" in citizen.url
    objection = ChangeRequest.objects.unscoped().get(family=objected)
    assert objection.receipt in citizen.content()
    journey.check(citizen, "citizen-receipt")

    # 2. The PSM proposes a new family from the requests page, with a photo, and submits it.
    field = new_page(viewport=PHONE)
    login(field, "psm")
    menu(field, gettext("Change requests"))
    journey.check(field, "psm-requests")
    click(field, "link", gettext("Propose a change"))
    click(field, "link", gettext("New family"))
    kk, nik = make_kk(KEL_A), make_nik(KEL_A, HEAD_BIRTH, Sex.MALE)
    field.locator("[name=family-kk_number]").fill(kk)
    field.locator("[name=family-region]").select_option(KEL_A)
    field.locator("[name=family-rw]").fill("004")
    field.locator("[name=family-rt]").fill("002")
    field.locator("[name=family-address]").fill("Jl. Merdeka No. 7")
    field.locator("[name=head-nik]").fill(nik)
    field.locator("[name=head-name]").fill("Rahmat Hidayat")
    field.locator(f"[name=head-sex][value='{Sex.MALE}']").check()
    field.locator("[name=head-birth_date]").fill(HEAD_BIRTH.isoformat())
    field.locator("[name=head-birth_place]").fill("Padang")
    field.locator("[name=head-relationship]").select_option(str(Relationship.HEAD))
    field.locator("[name=notes]").fill("Keluarga baru pindah dari Solok, belum terdata.")
    field.locator("[name=evidence]").set_input_files(PHOTO)
    field.locator("[name=submit]").check()
    journey.check(field, "psm-new-family-form")
    click(field, "button", gettext("Save request"))
    proposal = ChangeRequest.objects.unscoped().exclude(pk=objection.pk).get()
    assert proposal.state == RequestState.SUBMITTED
    assert proposal.receipt in success(field)
    journey.check(field, "psm-request-detail")

    # 3. The TKSK sends both to field verification, to the kelurahan's PSM.
    tksk = new_page(viewport=PHONE)
    login(tksk, "tksk")
    for request in (objection, proposal):
        menu(tksk, gettext("Verification tasks"))
        journey.check(tksk, "tksk-tasks")
        row = tksk.locator("li", has_text=request.receipt)
        with tksk.expect_navigation():
            row.get_by_role("link", name=gettext("Assign a PSM")).click()
        journey.check(tksk, "tksk-assign")
        tksk.locator("[name=assignee]").select_option(str(psm.pk))
        click(tksk, "button", gettext("Send to field verification"))
    for request in (objection, proposal):
        request.refresh_from_db()
        assert request.state == RequestState.FIELD_VERIFICATION

    # 4. The PSM finds both on "My tasks" and verifies each with a photo.
    for request in (objection, proposal):
        menu(field, gettext("My tasks"))
        journey.check(field, "psm-my-tasks")
        with field.expect_navigation():
            field.get_by_role("link", name=request.receipt).click()
        journey.check(field, "psm-task")
        field.locator("[name=found]").select_option("true")
        members = field.locator("select[name^=member_]")
        for i in range(members.count()):
            members.nth(i).select_option("1")  # lives in the household
        field.locator("[name=photos]").set_input_files(PHOTO)
        field.get_by_role("button", name=gettext("Send the verification")).click()
        field.wait_for_url("**/tugas/?sent=*")
        assert gettext("The verification is recorded.") in success(field)
        request.refresh_from_db()
        assert request.state == RequestState.VERIFIED, request.receipt

    # 5. The kelurahan operator schedules the Muskel, records who came, puts both on the agenda,
    # decides each, closes it with its number and downloads the Berita Acara.
    lurah = new_page(viewport=PHONE)
    login(lurah, "lurah")
    menu(lurah, gettext("Muskel"))
    journey.check(lurah, "muskel-list")
    click(lurah, "link", gettext("Schedule a session"))
    lurah.locator("[name=region]").select_option(KEL_A)
    lurah.locator("[name=date]").fill(timezone.localdate().isoformat())
    lurah.locator("[name=place]").fill("Aula Kantor Lurah")
    lurah.locator("[name=quorum]").fill("2")
    journey.check(lurah, "muskel-new")
    click(lurah, "button", gettext("Schedule"), exact=True)
    for name, role in (("Syafrizal", "lurah"), ("Yuliarni", "rw"), ("Desi", "psm")):
        lurah.locator("[name=name]").fill(name)
        lurah.locator("[name=role]").select_option(role)
        click(lurah, "button", gettext("Add attendee"))
    for request in (objection, proposal):
        button = gettext("Put %(request)s on the agenda") % {"request": request}
        click(lurah, "button", button)
    journey.check(lurah, "muskel-session")
    for request in (objection, proposal):
        item = lurah.locator("section.card", has_text=request.receipt)
        item.get_by_label(gettext("Agreed"), exact=True).check()
        item.get_by_label(gettext("Note")).fill("Sesuai hasil verifikasi lapangan.")
        with lurah.expect_navigation():
            item.get_by_role("button", name=gettext("Record the decision")).click()
    lurah.get_by_label(gettext("Berita Acara number")).fill("01/BA-MK/XII/2026")
    click(lurah, "button", gettext("Close the session"))
    journey.check(lurah, "muskel-closed")
    with lurah.expect_download() as download:
        lurah.get_by_role("link", name=gettext("Berita Acara (PDF)")).click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    for request in (objection, proposal):
        request.refresh_from_db()
        assert request.state == RequestState.AGREED

    # 6. A Dinsos operator checks and approves each, from the requests the Muskel agreed.
    office = new_page(viewport=PHONE)
    login(office, "dinsos")
    for request in (objection, proposal):
        menu(office, gettext("Change requests"))
        office.locator("[name=state]").select_option(RequestState.AGREED)
        office.get_by_role("link", name=request.receipt).wait_for()
        journey.check(office, "operator-requests")
        click(office, "link", request.receipt)
        click(office, "button", str(gettext("Checked")))
        journey.check(office, "operator-request")
        click(office, "button", str(gettext("Approve and apply")))
        request.refresh_from_db()
        assert request.state == RequestState.APPROVED

    # 7. The new family is in the registry, its history leading back to the request.
    family = Family.objects.unscoped().get(kk_number=kk)
    click(office, "link", str(family))
    assert "Rahmat Hidayat" in office.content()
    history = office.locator("#timeline")
    assert proposal.receipt in history.inner_text()
    source = gettext("change request %(receipt)s") % {"receipt": proposal.receipt}
    shown = gettext("from %(source)s") % {"source": source}
    # The registration and its head's entry, each leading back to the request.
    links = history.get_by_role("link", name=shown, exact=True)
    assert links.count() == 2
    link = links.first
    assert link.get_attribute("href") == reverse("updates:request_detail", args=[proposal.pk])
    journey.check(office, "registry-family")
    objected.refresh_from_db()
    assert objected.status == FamilyStatus.WELL_OFF

    # 8. The citizen's receipt shows the final state.
    citizen.goto(f"{reverse('portal:receipt')}?nomor={objection.receipt}")
    assert citizen.get_by_text(str(RequestState.APPROVED.label)).first.is_visible()
    journey.check(citizen, "citizen-final")

    assert journey.problems == {}
