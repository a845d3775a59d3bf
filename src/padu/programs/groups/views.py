"""The group pages: the list, a new group, a group's page (members, officers, grant, payments)
and its actions (add or remove a member, confirm it formed, approve its grant, record a payment
to its bank account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.htmx import querystring_without_page, redirect_after_post
from padu.core.scoping import has_capability
from padu.registry.disclosure import Disclosure
from padu.registry.models import Person
from padu.registry.views.editing import error_summary, form_service

from .. import benefit_selectors as selectors
from ..benefit_codes import Channel, GroupState
from ..forms import posted_version
from ..lookup import in_area
from ..services import benefits
from ..services import groups as services
from .forms import GrantForm, GroupFilter, GroupForm, GroupPaymentForm, MemberForm


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def group_list(request):
    filters = GroupFilter(request.GET or None)
    kind = filters.cleaned_data.get("kind", "") if filters.is_valid() else ""
    page = Paginator(selectors.group_list(user=request.user, kind=kind), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programs/group_list.html",
        {
            "filters": filters,
            "page": page,
            "query": querystring_without_page(request),
            "may_manage": has_capability(request.user, Cap.BENEFIT_MANAGE),
        },
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_http_methods(["GET", "POST"])
def group_new(request):
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, group = form_service(form, lambda: services.group_create(actor=request.user, **d))
        if done:
            messages.success(request, _("The group is created; add its members."))
            return redirect_after_post(request, reverse("groups:detail", args=[group.pk]))
    return render(
        request,
        "programs/group_new.html",
        {"form": form, "errors": error_summary([("", form)])},
        status=400 if form.is_bound and form.errors else 200,
    )


def _detail(request, group, *, forms=None, status=200):
    forms = forms or {}
    user = request.user
    show = Disclosure(user)
    members = [
        (m, show.number(m.person.nik)) for m in selectors.group_members(user=user, group=group)
    ]
    changeable = group.state in (GroupState.FORMING, GroupState.FORMED)
    return render(
        request,
        "programs/group_detail.html",
        {
            "group": group,
            "members": members,
            "payments": list(group.disbursements.all()),
            "may_manage": has_capability(user, Cap.BENEFIT_MANAGE) and changeable,
            "may_form": has_capability(user, Cap.BENEFIT_MANAGE)
            and group.state == GroupState.FORMING,
            "may_grant": has_capability(user, Cap.DECREE_APPROVE)
            and group.state == GroupState.FORMED,
            "may_pay": has_capability(user, Cap.BENEFIT_MANAGE)
            and group.state == GroupState.FUNDED,
            "member_form": forms.get("member") or MemberForm(),
            "grant_form": forms.get("grant") or GrantForm(),
            "pay_form": forms.get("pay") or GroupPaymentForm(),
            "errors": error_summary([("", f) for f in forms.values()]),
        },
        status=status,
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def group_detail(request, pk: int):
    return _detail(request, in_area(selectors.group_get, request.user, pk))


def _after(request, group, form, key, call, text):
    done, _result = form_service(form, call)
    if done:
        messages.success(request, text)
        return redirect_after_post(request, reverse("groups:detail", args=[group.pk]))
    return _detail(
        request, in_area(selectors.group_get, request.user, group.pk), forms={key: form}, status=400
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def group_action(request, pk: int):
    """Add or remove a member, or confirm the group formed."""
    group = in_area(selectors.group_get, request.user, pk)
    action = request.POST.get("action", "")
    if action == "member":
        form = MemberForm(request.POST)
        if not form.is_valid():
            return _detail(request, group, forms={"member": form}, status=400)
        person = Person.objects.scoped(request.user).filter(nik=form.cleaned_data["nik"]).first()
        if person is None:
            form.add_error("nik", _("No person with this NIK lives in your area."))
            return _detail(request, group, forms={"member": form}, status=400)
        return _after(
            request,
            group,
            form,
            "member",
            lambda: services.group_member_add(
                actor=request.user,
                group=group,
                person=person,
                role=form.cleaned_data["role"],
                expected_version=posted_version(request),
            ),
            _("The member is added."),
        )
    form = Form({})
    if action == "remove":
        member = request.POST.get("member", "")
        if not member.isdigit() or len(member) > 18:
            raise Http404
        return _after(
            request,
            group,
            form,
            "remove",
            lambda: services.group_member_remove(
                actor=request.user,
                group=group,
                member_id=int(member),
                expected_version=posted_version(request),
            ),
            _("The member has left the group."),
        )
    if action == "form":
        return _after(
            request,
            group,
            form,
            "form",
            lambda: services.group_form(
                actor=request.user, group=group, expected_version=posted_version(request)
            ),
            _("The group is formed."),
        )
    raise Http404


@login_required
@capability_required(Cap.DECREE_APPROVE)
@require_POST
def group_grant(request, pk: int):
    group = in_area(selectors.group_get, request.user, pk)
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _detail(request, group, forms={"grant": form}, status=400)
    return _after(
        request,
        group,
        form,
        "grant",
        lambda: services.group_grant_approve(
            actor=request.user,
            group=group,
            amount=form.cleaned_data["amount"],
            expected_version=posted_version(request),
        ),
        _("The group's grant is approved."),
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def group_pay(request, pk: int):
    group = in_area(selectors.group_get, request.user, pk)
    form = GroupPaymentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, group, forms={"pay": form}, status=400)
    d = form.cleaned_data
    return _after(
        request,
        group,
        form,
        "pay",
        lambda: benefits.disbursement_record(
            actor=request.user,
            group=group,
            amount=d["amount"],
            paid_on=d["paid_on"],
            channel=Channel.GROUP_ACCOUNT,
            reference=d["reference"],
            proofs=request.FILES.getlist("proofs"),
            expected_version=posted_version(request),
        ),
        _("The payment to the group's account is recorded."),
    )
