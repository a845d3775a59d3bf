"""The demo's change requests: one in every state of the workflow, each brought there by the
workflow's own services and the demo's users (a PSM proposes new families in his kelurahan; the
TKSK assigns him their verification, which he completes with a photo; the kelurahan holds the
Muskel; the operator checks and approves)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from padu.registry.codes import MaritalStatus, Relationship, Sex

from .checklist import checklist_members
from .codes import (
    DukcapilMatch,
    MemberPresence,
    NotFoundReason,
    RequestKind,
    RequestState,
    TaskState,
)
from .models import ChangeRequest, VerificationTask
from .muskel.demo import demo_sessions
from .services.lapse import requests_lapse
from .services.requests import request_create, request_create_from_citizen
from .services.transitions import request_transition
from .services.verification import task_assign, task_complete

S = RequestState
UNTIL_VERIFIED = ["submit", "send_to_verification", "verify"]
UNTIL_AGREED = [*UNTIL_VERIFIED, "put_on_agenda", "agree"]
# The transitions that bring a new request to each state (the lapse is the system's).
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.FIELD_VERIFICATION: ["submit", "send_to_verification"],
    S.VERIFIED: UNTIL_VERIFIED,
    S.NOT_VERIFIABLE: ["submit", "send_to_verification", "mark_not_verifiable"],
    S.ON_AGENDA: [*UNTIL_VERIFIED, "put_on_agenda"],
    S.AGREED: UNTIL_AGREED,
    S.REJECTED_IN_MUSKEL: [*UNTIL_VERIFIED, "put_on_agenda", "reject_in_muskel"],
    S.CHECKED: [*UNTIL_AGREED, "check"],
    S.APPROVED: [*UNTIL_AGREED, "check", "approve"],
    S.RETURNED: [*UNTIL_AGREED, "check", "return"],
    S.REJECTED: [*UNTIL_AGREED, "check", "reject"],
}
ACTOR = {
    "submit": "psm",
    "send_to_verification": "tksk",
    "verify": "psm",
    "mark_not_verifiable": "psm",
    "put_on_agenda": "kelurahan",
    "agree": "kelurahan",
    "reject_in_muskel": "kelurahan",
    "check": "operator",
    "approve": "operator",
    "return": "operator",
    "reject": "operator",
}
REASON = "Contoh demo."
PHOTO = ("rumah.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 60)
NAMES = ["Ahmad", "Rina", "Yusuf", "Dewi", "Hendra", "Sari", "Rudi", "Wati", "Joni", "Lina"]
# Far from the serials a generated population uses, so that the numbers are new.
SERIAL_BASE = 9900


def _numbers(region: str, i: int, birth: datetime.date, sex: str) -> tuple[str, str]:
    prefix = region.replace(".", "")[:6]
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    nik = f"{prefix}{day:02d}{birth:%m%y}{SERIAL_BASE + i:04d}"
    kk = f"{prefix}150120{SERIAL_BASE + i:04d}"
    return nik, kk


def _town(region: str) -> str:
    """The kab/kota's name as a birth place is written (`Kota Padang` → `Padang`)."""
    from padu.regions.models import Region

    name = Region.objects.get(code=region[:5]).name
    return name.removeprefix("Kota ").removeprefix("Kabupaten ")


def _new_family(region: str, i: int) -> dict:
    birth = datetime.date(1970 + i, 1 + i % 12, 1 + i)
    sex = Sex.MALE if i % 2 == 0 else Sex.FEMALE
    nik, kk = _numbers(region, i, birth, sex)
    head = {
        "nik": nik,
        "name": f"{NAMES[i % len(NAMES)]} Demo {i + 1}",
        "sex": sex,
        "birth_place": _town(region),
        "birth_date": birth.isoformat(),
        "relationship": Relationship.HEAD,
        "marital_status": MaritalStatus.MARRIED,
    }
    family = {
        "kk_number": kk,
        "region": region,
        "rw": "001",
        "rt": f"{i + 1:03d}",
        "address": f"Jl. Contoh No. {i + 1}",
    }
    return {"family": family, "members": [head]}


def _verification(users: dict, request: ChangeRequest, name: str) -> None:
    """The field verification's steps, as the TKSK and the PSM take them: a task, then its
    checklist (found, with a photo; or not found, with the reason)."""
    if name == "send_to_verification":
        task_assign(actor=users[ACTOR[name]], request=request, assignee=users["psm"])
        return
    task = VerificationTask.objects.unscoped().get(request=request, state=TaskState.OPEN)
    if name == "verify":
        statuses = {m.key: MemberPresence.LIVES_HERE for m in checklist_members(task)}
        checklist = {
            "found": True,
            "dukcapil_match": DukcapilMatch.MATCHED,
            "well_off": False,
            "note": REASON,
            "member_statuses": statuses,
        }
        photos = [PHOTO]
    else:
        checklist = {"found": False, "not_found_reason": NotFoundReason.UNKNOWN, "note": REASON}
        photos = []
    task_complete(actor=users[ACTOR[name]], task=task, checklist=checklist, photos=photos)


def _walk(users: dict, request: ChangeRequest, names: list[str]) -> ChangeRequest:
    for name in names:
        if name in ("send_to_verification", "verify", "mark_not_verifiable"):
            _verification(users, request, name)
            request = ChangeRequest.objects.unscoped().get(pk=request.pk)
            continue
        request = request_transition(
            actor=users[ACTOR[name]], request=request, name=name, reason=REASON
        )
    return request


def _split(path: list[str]) -> tuple[list[str], list[str], list[str]]:
    """A path's steps before the Muskel, in it (on the agenda, then its decision) and after."""
    if "put_on_agenda" not in path:
        return path, [], []
    k = path.index("put_on_agenda")
    return path[:k], path[k : k + 2], path[k + 2 :]


def demo_requests(users: dict, *, region: str) -> int:
    """One request in each state in `region` (the PSM's kelurahan), and the kelurahan's two
    Muskel sessions that took them there (muskel/demo.py); nothing when the demo already made its
    requests. `users`: the demo's users by role name. Returns how many requests were made."""
    if ChangeRequest.objects.unscoped().filter(created_by=users["psm"]).exists():
        return 0
    made = {}
    for i, path in enumerate(PATHS.values()):
        request = request_create(
            actor=users["psm"],
            kind=RequestKind.NEW_FAMILY,
            data=_new_family(region, i),
            notes=REASON,
        )
        made[request.pk] = _split(path)
        _walk(users, request, made[request.pk][0])
    # The Muskel's steps are the sessions': the agenda, and one decision per item.
    demo_sessions(
        users,
        region=region,
        planned=[pk for pk, (_b, muskel, _a) in made.items() if muskel == ["put_on_agenda"]],
        decided={pk: muskel[1] for pk, (_b, muskel, _a) in made.items() if len(muskel) == 2},
    )
    for (pk, (_before, _muskel, after)), state in zip(made.items(), PATHS, strict=True):
        request = _walk(users, ChangeRequest.objects.unscoped().get(pk=pk), after)
        assert request.state == state, (state, request.state)
    # A citizen's objection that nobody verified: it lapses, as the daily job would do.
    family_pk = (
        ChangeRequest.objects.unscoped()
        .filter(created_by=users["psm"], state=S.APPROVED)
        .values_list("applied_family", flat=True)
        .first()
    )
    lapsed = 0
    if family_pk is not None:
        from padu.registry.models import Family

        request_create_from_citizen(
            kind=RequestKind.OBJECTION,
            name="Warga Demo",
            family=Family.objects.unscoped().get(pk=family_pk),
            reason=REASON,
            evidence=[("rumah.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 60)],
        )
        later = timezone.localdate() + datetime.timedelta(
            days=settings.PADU_OBJECTION_LAPSE_DAYS * 2 + 14
        )
        lapsed = len(requests_lapse(today=later))
    return len(made) + lapsed
