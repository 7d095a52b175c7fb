"""The office's staff, kept by its head (/office/staff/); the role grants a second person
confirms (/role-grants/); the administrator's offices (/offices/); the one-time page where a
new colleague sets a password. The rules are in `core.staff`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core import selectors
from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.core.forms_staff import (
    GrantDecisionForm,
    HeadForm,
    NewStaffForm,
    OfficeForm,
    ReasonForm,
    StaffForm,
)
from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.roles import Role
from satuatap.core.staff import selectors as staff_selectors
from satuatap.core.staff import services as staff_services
from satuatap.core.two_factor import services as two_factor_services

# A service's error codes that belong to a field of the forms.
STAFF_FIELDS = {"last_head": "roles"}


def _require_head(request) -> Organisation:
    office = request.user.office
    if office is None or not request.user.has_perm("core.manage_staff", office):
        raise PermissionDenied
    return office


def _member_or_404(request, user_id: int) -> User:
    _require_head(request)
    member = selectors.staff_member(request.user, user_id)
    if member is None:
        raise Http404
    return member


def _waiting_message(request, change: staff_services.StaffChange) -> None:
    for role in change.waiting:
        messages.info(
            request,
            _(
                "The role %(role)s waits until a case supervisor of the office or the "
                "administrator confirms it."
            )
            % {"role": Role(role).label},
        )


def _link_page(request, member: User, link: staff_services.PasswordLink, *, back: str):
    """The new link, shown once on this answer (never put in a message, the session or a
    redirect), or where it was mailed."""
    response = render(
        request, "core/staff/password_link.html", {"member": member, "link": link, "back": back}
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The head's pages ---------------------------------------------------------------------------


@login_required
def staff_list(request):
    office = _require_head(request)
    context = {
        "office": office,
        "members": selectors.office_staff(office),
        "open_grants": selectors.open_role_grants(request.user).exists()
        if request.user.has_perm("core.decide_role_grants")
        else False,
    }
    return render(request, "core/staff/list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_add(request):
    office = _require_head(request)
    form = NewStaffForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            change = staff_services.add_staff_member(
                office=office,
                by=request.user,
                username=form.cleaned_data["username"],
                details=form.details(),
                roles=form.cleaned_data["roles"],
                desk=form.cleaned_data["desk"],
            )
            link = staff_services.issue_password_link(
                member=change.member, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except DomainError as error:
            add_domain_error(form, error, STAFF_FIELDS)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": change.member})
            _waiting_message(request, change)
            return _link_page(request, change.member, link, back="core:staff-list")
    return render(request, "core/staff/form.html", {"form": form, "office": office})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, user_id: int):
    member = _member_or_404(request, user_id)
    office = member.organisation
    assert office is not None  # a colleague of the head's office
    form = StaffForm(request.POST or None, office=office, initial=StaffForm.initial_of(member))
    if request.method == "POST" and form.is_valid():
        try:
            change = staff_services.update_staff_member(
                member=member,
                by=request.user,
                details=form.details(),
                roles=form.cleaned_data["roles"],
                desk=form.cleaned_data["desk"],
            )
        except DomainError as error:
            add_domain_error(form, error, STAFF_FIELDS)
        else:
            messages.success(request, _("The changes are saved."))
            _waiting_message(request, change)
            return redirect("core:staff-detail", user_id=member.pk)
    context = {
        "form": form,
        "office": office,
        "member": member,
        "is_self": member.pk == request.user.pk,
        "may_send_link": member.pk != request.user.pk
        and staff_selectors.may_receive_password_link(member),
        "may_reset_two_factor": request.user.has_perm("core.reset_two_factor", member),
    }
    return render(request, "core/staff/detail.html", context)


@login_required
@require_POST
def staff_active(request, user_id: int):
    member = _member_or_404(request, user_id)
    is_active = request.POST.get("is_active") == "1"
    try:
        member = staff_services.set_staff_active(
            member=member, by=request.user, is_active=is_active
        )
    except DomainError as error:
        add_domain_message(request, error)
    else:
        if member.is_active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": member})
        else:
            messages.success(
                request,
                _("%(name)s is deactivated: they can no longer sign in.") % {"name": member},
            )
    return redirect("core:staff-detail", user_id=member.pk)


@never_cache
@login_required
@require_POST
def staff_password_link(request, user_id: int):
    member = _member_or_404(request, user_id)
    try:
        link = staff_services.issue_password_link(
            member=member, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        add_domain_message(request, error)
        return redirect("core:staff-detail", user_id=member.pk)
    return _link_page(request, member, link, back="core:staff-list")


@login_required
@require_http_methods(["GET", "POST"])
def staff_two_factor_reset(request, user_id: int):
    member = _member_or_404(request, user_id)
    if not request.user.has_perm("core.reset_two_factor", member):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_services.reset_devices(
                user=member, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Two-factor sign-in of %(name)s is reset: they set it up again at sign-in.")
                % {"name": member},
            )
            return redirect("core:staff-detail", user_id=member.pk)
    return render(request, "core/staff/two_factor_reset.html", {"form": form, "member": member})


# --- Role grants ----------------------------------------------------------------------------------


@login_required
def role_grants(request):
    if not request.user.has_perm("core.decide_role_grants"):
        raise PermissionDenied
    return render(
        request, "core/staff/role_grants.html", {"grants": selectors.open_role_grants(request.user)}
    )


@login_required
@require_POST
def role_grant_decide(request, grant_id: int):
    if not request.user.has_perm("core.decide_role_grants"):
        raise PermissionDenied
    grant = get_object_or_404(selectors.open_role_grants(request.user), pk=grant_id)
    form = GrantDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm or decline the grant."))
        return redirect("core:role-grants")
    confirm = form.cleaned_data["decision"] == "confirm"
    try:
        staff_services.decide_role_grant(grant=grant, by=request.user, confirm=confirm)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        text = (
            _("%(name)s now holds the role %(role)s.")
            if confirm
            else _("The role %(role)s is not given to %(name)s.")
        )
        messages.success(request, text % {"name": grant.user, "role": grant.get_role_display()})
    return redirect("core:role-grants")


# --- The administrator's offices ----------------------------------------------------------------


def _require_administrator(request) -> None:
    if not request.user.has_perm("core.create_office"):
        raise PermissionDenied


@login_required
def office_list(request):
    _require_administrator(request)
    return render(request, "core/offices/list.html", {"offices": selectors.offices_with_heads()})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def office_create(request):
    _require_administrator(request)
    form = OfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = staff_services.create_office(
                by=request.user,
                name=data["name"],
                slug=data["slug"],
                region=data["region"],
                time_zone=data["time_zone"],
                head_username=data["head_username"],
                head=form.head_details(),
            )
            link = staff_services.issue_password_link(
                member=change.member, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The office %(office)s is created, with %(name)s as its head.")
                % {"office": change.member.organisation, "name": change.member},
            )
            return _link_page(request, change.member, link, back="core:office-list")
    return render(request, "core/offices/form.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def office_head(request, office_id: int):
    _require_administrator(request)
    office = get_object_or_404(Organisation, pk=office_id, kind=OrganisationKind.OFFICE)
    has_head = staff_selectors.active_heads(office).exists()
    form = HeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = staff_services.appoint_head(
                office=office,
                by=request.user,
                username=form.cleaned_data["username"],
                details=form.details(),
            )
            link = staff_services.issue_password_link(
                member=change.member, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is the head of %(office)s.")
                % {"name": change.member, "office": office},
            )
            return _link_page(request, change.member, link, back="core:office-list")
    context = {"form": form, "office": office, "has_head": has_head}
    return render(request, "core/offices/head.html", context)


@never_cache
@login_required
@require_POST
def office_head_password_link(request, office_id: int, user_id: int):
    """A new link for a head of the office who has not set a password yet."""
    _require_administrator(request)
    office = get_object_or_404(Organisation, pk=office_id, kind=OrganisationKind.OFFICE)
    member = get_object_or_404(User, pk=user_id, organisation=office)
    try:
        link = staff_services.issue_password_link(
            member=member, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        add_domain_message(request, error)
        return redirect("core:office-list")
    return _link_page(request, member, link, back="core:office-list")


# --- Setting a password through the link --------------------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation: the token in the address is checked, moved into
    the session and taken out of the address (so it leaks through no Referer), and works once
    (it is made from the password it replaces)."""

    template_name = "core/set_password.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Sign in with it."))
        return response
