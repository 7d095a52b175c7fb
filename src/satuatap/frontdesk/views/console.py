"""The desk console: a desk's waiting line, calling tickets and recording what was done.

Every action is a POST that calls a service and redirects back to the console; a `DomainError`
(another officer was quicker, the ticket is closed, ...) becomes a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Desk
from satuatap.frontdesk import selectors, services
from satuatap.frontdesk.forms_console import FinishForm, TransferForm
from satuatap.frontdesk.models import Ticket, TicketStatus

# --- Desks and their console ----------------------------------------------------------------


def _workable_desk(request, desk_id: int) -> Desk:
    """The desk, if the user may work it: another office's desk is 404, a desk of the own
    office the user does not work at is 403."""
    desk = selectors.get_desk(request.user, desk_id)
    if desk is None:
        raise Http404
    if not request.user.has_perm("frontdesk.work_desk", desk):
        raise PermissionDenied
    return desk


def _desk_ticket(desk: Desk, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.filter(pk=ticket_id, desk=desk)
        .select_related("visit__person", "office")
        .first()
    )
    if ticket is None:
        raise Http404
    ticket.desk = desk  # already loaded with its type and office
    return ticket


def _minutes(since, now) -> int:
    return max(0, int((now - since).total_seconds() // 60)) if since else 0


@login_required
def desk_list(request):
    user = request.user
    # A superuser passes every rule but belongs to no office: there is no queue to show.
    if user.office is None or not user.has_perm("frontdesk.view_queues"):
        raise PermissionDenied
    today = user.office.today()
    desks = [
        desk
        for desk in selectors.office_desks(user).annotate(
            waiting=Count(
                "tickets",
                filter=Q(tickets__day=today, tickets__status=TicketStatus.WAITING),
            )
        )
        if user.has_perm("frontdesk.work_desk", desk)
    ]
    if len(desks) == 1:
        return redirect("frontdesk:console", desks[0].pk)
    return render(request, "frontdesk/console_desks.html", {"desks": desks})


def _line_context(desk: Desk, now) -> dict:
    line = list(selectors.waiting_line(desk))
    for ticket in line:
        ticket.waiting_minutes = _minutes(ticket.issued_at, now)
    return {"desk": desk, "line": line}


@login_required
def console(request, desk_id: int):
    desk = _workable_desk(request, desk_id)
    now = timezone.now()
    context = _line_context(desk, now)
    if request.htmx:
        return render(request, "frontdesk/_console_line.html", context)
    user = request.user
    desks = selectors.office_desks(user)
    mine, others = [], []
    for ticket in selectors.in_service(desk):
        ticket.waited_minutes = _minutes(ticket.issued_at, ticket.called_at)
        ticket.in_service_minutes = _minutes(ticket.called_at, now)
        person = ticket.visit.person
        ticket.person_url = (
            reverse("people:detail", args=[person.pk])
            if person is not None and user.has_perm("people.view_person", person)
            else None
        )
        if ticket.called_by_id == user.pk:
            ticket.finish_form = FinishForm(desk=desk, ticket=ticket)
            ticket.transfer_form = TransferForm(desk=desk, desks=desks, ticket=ticket)
            mine.append(ticket)
        else:
            others.append(ticket)
    context.update({"mine": mine, "others": others})
    return render(request, "frontdesk/console.html", context)


def _back(request, desk: Desk):
    if request.htmx:
        return render(request, "frontdesk/_console_line.html", _line_context(desk, timezone.now()))
    return redirect("frontdesk:console", desk.pk)


def _run(request, action, success: str | None = None):
    """Call a service; its DomainError becomes an error message."""
    try:
        result = action()
    except DomainError as error:
        messages.error(request, error.message)
        return None
    if success:
        messages.success(request, success)
    return result


@login_required
@require_POST
def call_next(request, desk_id: int):
    desk = _workable_desk(request, desk_id)
    try:
        ticket = services.call_next(desk=desk, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if ticket is None:
            messages.info(request, _("Nobody is waiting."))
        else:
            messages.success(request, _("Called %(code)s.") % {"code": ticket.code})
    return _back(request, desk)


@login_required
@require_POST
def call_ticket(request, desk_id: int, ticket_id: int):
    """Call a specific waiting ticket, or call again one already called."""
    desk = _workable_desk(request, desk_id)
    ticket = _desk_ticket(desk, ticket_id)
    again = ticket.status == TicketStatus.CALLED
    message = _("Called %(code)s again.") if again else _("Called %(code)s.")
    _run(
        request,
        lambda: services.call_ticket(ticket=ticket, by=request.user),
        message % {"code": ticket.code},
    )
    return _back(request, desk)


@login_required
@require_POST
def start_serving(request, desk_id: int, ticket_id: int):
    desk = _workable_desk(request, desk_id)
    ticket = _desk_ticket(desk, ticket_id)
    _run(request, lambda: services.start_serving(ticket=ticket, by=request.user))
    return _back(request, desk)


@login_required
@require_POST
def finish(request, desk_id: int, ticket_id: int):
    desk = _workable_desk(request, desk_id)
    ticket = _desk_ticket(desk, ticket_id)
    form = FinishForm(request.POST, desk=desk)
    if not form.is_valid():
        messages.error(request, _("Check the outcome and the services done."))
        return _back(request, desk)
    data = form.cleaned_data
    _run(
        request,
        lambda: services.finish_ticket(
            ticket=ticket,
            by=request.user,
            outcome=data["outcome"],
            notes=data["notes"].strip(),
            services=list(data["services"]),
        ),
        _("%(code)s is served and recorded.") % {"code": ticket.code},
    )
    return _back(request, desk)


@login_required
@require_POST
def no_show(request, desk_id: int, ticket_id: int):
    desk = _workable_desk(request, desk_id)
    ticket = _desk_ticket(desk, ticket_id)
    _run(
        request,
        lambda: services.mark_no_show(ticket=ticket, by=request.user),
        _("%(code)s did not come.") % {"code": ticket.code},
    )
    return _back(request, desk)


@login_required
@require_POST
def transfer(request, desk_id: int, ticket_id: int):
    desk = _workable_desk(request, desk_id)
    ticket = _desk_ticket(desk, ticket_id)
    form = TransferForm(request.POST, desk=desk, desks=selectors.office_desks(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))  # the messages of an ErrorList are str
        return _back(request, desk)
    data = form.cleaned_data
    new = _run(
        request,
        lambda: services.transfer_ticket(
            ticket=ticket, to_desk=data["to_desk"], by=request.user, services=data["services"]
        ),
    )
    if new is not None:
        messages.success(
            request,
            _("%(code)s is sent to %(desk)s as %(new)s.")
            % {"code": ticket.code, "desk": data["to_desk"], "new": new.code},
        )
    return _back(request, desk)


urlpatterns = [
    path("desks/", desk_list, name="desk-list"),
    path("desks/<int:desk_id>/", console, name="console"),
    path("desks/<int:desk_id>/call-next/", call_next, name="console-call-next"),
    path("desks/<int:desk_id>/tickets/<int:ticket_id>/call/", call_ticket, name="console-call"),
    path(
        "desks/<int:desk_id>/tickets/<int:ticket_id>/start/",
        start_serving,
        name="console-start",
    ),
    path("desks/<int:desk_id>/tickets/<int:ticket_id>/finish/", finish, name="console-finish"),
    path("desks/<int:desk_id>/tickets/<int:ticket_id>/no-show/", no_show, name="console-no-show"),
    path(
        "desks/<int:desk_id>/tickets/<int:ticket_id>/transfer/",
        transfer,
        name="console-transfer",
    ),
]
