"""Consent templates: what the office usually asks a client to agree to share with one partner
for one kind of help, and the words said to the client. Kept by the office head; a template
fills the case's consent form, and the case worker still records what the client agreed to
(`cases.services.record_consent` checks that, template or not)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.cases.models import ConsentTemplate, SharedItem
from satuatap.core import attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.core.selectors import office_partners

MAX_EXPLANATION_LENGTH = 2000


def save_consent_template(
    *,
    office: Organisation,
    partner: Organisation,
    by: User,
    name: str,
    items: Iterable[str],
    explanation: str = "",
    is_active: bool = True,
    template: ConsentTemplate | None = None,
) -> ConsentTemplate:
    """Add a consent template of the office for the partner, or change one."""
    if not by.has_perm("core.keep_partner_directory", office):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    if not office_partners(office).filter(pk=partner.pk).exists():
        raise DomainError("not_found", _("No such partner."), status=404)
    if template is not None and (template.office_id, template.partner_id) != (
        office.pk,
        partner.pk,
    ):
        raise DomainError("not_found", _("No such consent template."), status=404)
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    chosen = sorted(set(items))
    explanation = explanation.strip()
    if not name:
        errors["name"] = _("Give the template a name, e.g. the kind of help.")
    if not chosen:
        errors["items"] = _("Choose what the client is asked to share.")
    elif not set(chosen) <= set(SharedItem.values):
        errors["items"] = _("Unknown kind of information.")
    if len(explanation) > MAX_EXPLANATION_LENGTH:
        errors["explanation"] = _("At most %(count)s characters.") % {
            "count": MAX_EXPLANATION_LENGTH
        }
    if errors:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    with transaction.atomic(), attribution.acting_as(by):
        if template is None:
            template = ConsentTemplate(office=office, partner=partner)
        template.name = name[:120]
        template.items = chosen
        template.explanation = explanation
        template.is_active = is_active
        template.save()
    return template
