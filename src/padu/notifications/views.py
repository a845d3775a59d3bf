"""The user's notifications: the list (all or unread), and marking one or all as read. Opening a
notification's link marks it read first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from padu.core.htmx import querystring_without_page

from . import selectors, services

PER_PAGE = 50


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notification_list(user=request.user, unread_only=unread_only)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "querystring": querystring_without_page(request),
        },
    )


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark the notification read and follow its link (a local address only)."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if not link or not url_has_allowed_host_and_scheme(link, {request.get_host()}):
        link = reverse("notifications:list")
    return redirect(link)


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")
