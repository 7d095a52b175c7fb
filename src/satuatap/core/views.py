from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from satuatap.core import audit, selectors, services, trail
from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.core.forms import AuditFilterForm, DeskConfigurationForm, LanguageForm
from satuatap.core.models import ApiToken
from satuatap.core.navigation import actions_for
from satuatap.core.work import work_panels_for


@login_required
def home(request):
    context = {
        "work_panels": work_panels_for(request.user),
        "actions": actions_for(request.user, with_status=True),
    }
    return render(request, "core/home.html", context)


def about(request):
    return render(request, "core/about.html")


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if not form.is_valid():
        messages.error(request, _("Unknown language."))
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.set_user_language(user=request.user, language=language)
    response = redirect(next_url)
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
def office_desks(request):
    office = request.user.office
    if office is None or not request.user.has_perm("core.configure_office", office):
        raise PermissionDenied
    form = DeskConfigurationForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.configure_desks(office=office, prefixes=form.prefixes(), by=request.user)
        except DomainError as error:
            add_domain_error(form, error, form.error_fields)
        else:
            messages.success(request, _("The office's desks are saved."))
            return redirect("core:office-desks")
    return render(request, "core/office_desks.html", {"office": office, "form": form})


@login_required
@permission_required("core.view_audit_trail", raise_exception=True)
def audit_trail(request):
    registered = [ContentType.objects.get_for_model(m) for m in auditlog.get_models()]
    form = AuditFilterForm(
        request.GET or None,
        model_choices=sorted((str(ct.pk), ct.name) for ct in registered),
        action_choices=[(str(v), label) for v, label in LogEntry.Action.choices],
    )
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor": data["actor"],
            "content_type_id": int(data["model"]) if data["model"] else None,
            "action": int(data["action"]) if data["action"] else None,
            "object_pk": data["object_pk"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    page = Paginator(selectors.audit_entries(**filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/_audit_rows.html" if request.htmx else "core/audit_trail.html"
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "with_values": audit.entries_with_values(page.object_list),
    }
    return render(request, template, context)


CHANGE_ACTIONS = (LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE)


@login_required
def office_trail(request):
    """The office head's trail: who changed the office's records, and when (`core.trail`)."""
    if not request.user.has_perm("core.view_office_trail"):
        raise PermissionDenied
    kinds = trail.office_content_types().values()
    form = AuditFilterForm(
        request.GET or None,
        model_choices=sorted(((str(ct.pk), ct.name) for ct in kinds), key=lambda c: c[1]),
        action_choices=[
            (str(v), label) for v, label in LogEntry.Action.choices if v in CHANGE_ACTIONS
        ],
    )
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor": data["actor"],
            "content_type_id": int(data["model"]) if data["model"] else None,
            "action": int(data["action"]) if data["action"] else None,
            "object_pk": data["object_pk"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    entries = selectors.office_trail_entries(request.user, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/_office_trail_rows.html" if request.htmx else "core/office_trail.html"
    context = {
        "form": form,
        "page": page,
        "rows": trail.change_rows(page.object_list, request.user),
        "query": query.urlencode(),
        "office": request.user.office,
    }
    return render(request, template, context)


@login_required
def api_tokens(request):
    if request.method == "POST":
        try:
            services.revoke_api_token(token_id=int(request.POST.get("token", 0)), by=request.user)
        except (DomainError, ValueError):
            messages.error(request, _("No such active token."))
        else:
            messages.success(request, _("The token is revoked."))
        return redirect("core:api-tokens")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/api_tokens.html", {"tokens": tokens})
