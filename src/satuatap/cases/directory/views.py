"""The partner directory (/mrc/partners/): read by the MRC (counsellors, supervisors, the head),
kept by the office head. Partners and contacts are written through `core.partners`, consent
templates through `cases.directory.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.cases.directory import selectors, services
from satuatap.cases.directory.forms import (
    ConsentTemplateForm,
    ContactForm,
    PartnerFilterForm,
    PartnerForm,
)
from satuatap.cases.models import ConsentTemplate
from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, PartnerContact
from satuatap.core.partners import selectors as partner_selectors
from satuatap.core.partners import services as partner_services


def _office_of_keeper(request) -> Organisation:
    office = request.user.office
    if office is None or not request.user.has_perm("core.keep_partner_directory", office):
        raise PermissionDenied
    return office


def _partner_or_404(request, partner_id: int) -> tuple[Organisation, Organisation]:
    office = _office_of_keeper(request)
    partner = selectors.partner_of(office, partner_id)
    if partner is None:
        raise Http404
    return office, partner


@login_required
def partner_directory(request):
    if not request.user.has_perm("cases.list_cases"):
        raise PermissionDenied
    office = request.user.office
    form = PartnerFilterForm(request.GET or None)
    entries = selectors.directory(office)
    if form.is_valid() and form.cleaned_data["partner_type"]:
        entries = entries.filter(partner_type=form.cleaned_data["partner_type"])
    context = {
        "form": form,
        "partners": entries,
        "can_keep": office is not None
        and request.user.has_perm("core.keep_partner_directory", office),
    }
    return render(request, "cases/partner_directory.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def partner_new(request):
    office = _office_of_keeper(request)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = partner_services.add_partner(
                office=office, by=request.user, details=form.details()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(partner)s is in the directory.") % {"partner": partner})
            return redirect("cases:partner-edit", partner_id=partner.pk)
    return render(request, "cases/directory/partner_form.html", {"form": form, "partner": None})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, partner_id: int):
    office, partner = _partner_or_404(request, partner_id)
    is_kept = partner_selectors.is_kept_by(partner, office)
    form = PartnerForm(request.POST or None, initial=PartnerForm.initial_of(partner))
    if not is_kept:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and is_kept and form.is_valid():
        try:
            partner_services.update_partner(
                partner=partner, office=office, by=request.user, details=form.details()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The partner's details are saved."))
            return redirect("cases:partner-edit", partner_id=partner.pk)
    context = {
        "form": form,
        "partner": partner,
        "is_kept": is_kept,
        "contacts": partner_selectors.office_contacts(office).filter(partner=partner),
        "templates": ConsentTemplate.objects.filter(office=office, partner=partner),
    }
    return render(request, "cases/directory/partner_form.html", context)


@login_required
@require_POST
def partner_stop(request, partner_id: int):
    office, partner = _partner_or_404(request, partner_id)
    try:
        partner_services.stop_working_with(partner=partner, office=office, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
        return redirect("cases:partner-edit", partner_id=partner.pk)
    messages.success(
        request,
        _(
            "The office no longer works with %(partner)s: it is not offered for new consents "
            "and referrals."
        )
        % {"partner": partner},
    )
    return redirect("cases:partner-directory")


def _contact_page(request, partner_id: int, contact_id: int | None):
    office, partner = _partner_or_404(request, partner_id)
    contact = None
    if contact_id is not None:
        contact = (
            partner_selectors.office_contacts(office).filter(partner=partner, pk=contact_id).first()
        )
        if contact is None:
            raise Http404
    initial = ContactForm.initial_of(contact) if contact else None
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partner_services.save_contact(
                office=office,
                partner=partner,
                by=request.user,
                details=form.details(),
                contact=contact,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("cases:partner-edit", partner_id=partner.pk)
    context = {"form": form, "partner": partner, "contact": contact}
    return render(request, "cases/directory/contact_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request, partner_id: int):
    return _contact_page(request, partner_id, None)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, partner_id: int, contact_id: int):
    return _contact_page(request, partner_id, contact_id)


@login_required
@require_POST
def contact_delete(request, partner_id: int, contact_id: int):
    office, partner = _partner_or_404(request, partner_id)
    contact: PartnerContact | None = (
        partner_selectors.office_contacts(office).filter(partner=partner, pk=contact_id).first()
    )
    if contact is None:
        raise Http404
    partner_services.delete_contact(contact=contact, by=request.user)
    messages.success(request, _("The contact is removed."))
    return redirect("cases:partner-edit", partner_id=partner.pk)


def _template_page(request, partner_id: int, template_id: int | None):
    office, partner = _partner_or_404(request, partner_id)
    template = None
    if template_id is not None:
        template = ConsentTemplate.objects.filter(
            office=office, partner=partner, pk=template_id
        ).first()
        if template is None:
            raise Http404
    initial = ConsentTemplateForm.initial_of(template) if template else None
    form = ConsentTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_consent_template(
                office=office,
                partner=partner,
                by=request.user,
                template=template,
                **form.cleaned_data,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The consent template is saved."))
            return redirect("cases:partner-edit", partner_id=partner.pk)
    context = {"form": form, "partner": partner, "template": template}
    return render(request, "cases/directory/consent_template_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_template_new(request, partner_id: int):
    return _template_page(request, partner_id, None)


@login_required
@require_http_methods(["GET", "POST"])
def consent_template_edit(request, partner_id: int, template_id: int):
    return _template_page(request, partner_id, template_id)
