"""Fraud signals: warnings the office should look at, computed from its placement files.

Nothing here writes and nothing is stored: each signal is derived from the files, job orders,
agencies and the registry as they are on `today`, so a signal disappears as soon as its cause is
fixed. Each kind of signal is one query (plus a few constant look-ups of the scheme policies),
whatever the number of files.

- an agency whose licence is not valid today still has files being prepared or ready to depart
  (files already departed are not counted: the agency is no longer moving them);
- an open file whose worker says she paid more than the job order's stated fees;
- an open file whose person is under the scheme's minimum age today, or has no birth date;
- an open file in one preparation stage for more than `PLACEMENT_STUCK_AFTER_DAYS` days;
- an open file with a passport in the registry but no job order under a scheme that needs one
  (a passport applied for "as a tourist" to work abroad).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from satuatap.core.models import Organisation
from satuatap.core.templatetags.satuatap import idr
from satuatap.people.models import PersonDocument
from satuatap.placement.files.checklist import PASSPORT_CODE
from satuatap.placement.files.models import CLOSED_STAGES, PREPARATION_STAGES, PlacementFile, Stage
from satuatap.placement.files.readiness import minimum_age, needs_job_order
from satuatap.placement.models import Agency, AgencyStatus, LicenceState, Scheme

# Files an agency is still moving: being prepared or ready to depart.
AGENCY_ACTIVE_STAGES = (*PREPARATION_STAGES, Stage.READY)


class SignalKind(models.TextChoices):
    AGENCY_LICENCE = "agency_licence", gettext_lazy("Agency without a valid licence")
    FEE_ABOVE_JOB_ORDER = "fee_above_job_order", gettext_lazy("Fees above the job order's")
    UNDER_AGE = "under_age", gettext_lazy("Under-age applicant or no birth date")
    STUCK = "stuck", gettext_lazy("File stuck in one stage")
    PASSPORT_WITHOUT_JOB_ORDER = (
        "passport_without_job_order",
        gettext_lazy("Passport without a job order"),
    )


@dataclass(frozen=True)
class Signal:
    """One warning: about a file, or about an agency (with the number of its files)."""

    kind: SignalKind
    message: str
    since: datetime.date | None = None
    file: PlacementFile | None = None
    agency: Agency | None = None


def _open_files(office: Organisation):
    return (
        PlacementFile.objects.filter(office=office)
        .exclude(stage__in=CLOSED_STAGES)
        .select_related("person", "job_order")
        .order_by("pk")
    )


def _opened_on(placement_file: PlacementFile, office: Organisation) -> datetime.date:
    return timezone.localtime(placement_file.created_at, office.zone).date()


def _invalid_licence_at(on: datetime.date) -> Q:
    return (
        ~Q(status=AgencyStatus.ACTIVE)
        | Q(licence_valid_from__gt=on)
        | Q(licence_valid_until__lt=on)
    )


def agency_signals(office: Organisation, today: datetime.date) -> list[Signal]:
    counts = dict(
        PlacementFile.objects.filter(
            office=office, stage__in=AGENCY_ACTIVE_STAGES, job_order__agency__isnull=False
        )
        .filter(
            job_order__agency__in=Agency.objects.filter(_invalid_licence_at(today)).values("pk")
        )
        .values_list("job_order__agency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    signals = []
    for agency in Agency.objects.filter(pk__in=counts).order_by("name", "pk"):
        state = agency.licence_state(today)
        since = (
            agency.licence_valid_until + datetime.timedelta(days=1)
            if state == LicenceState.EXPIRED
            else None
        )
        n = counts[agency.pk]
        message = ngettext(
            "%(agency)s (%(licence)s): %(state)s, yet %(n)s file is still being prepared "
            "or ready to depart.",
            "%(agency)s (%(licence)s): %(state)s, yet %(n)s files are still being prepared "
            "or ready to depart.",
            n,
        ) % {
            "agency": agency.name,
            "licence": agency.licence_number,
            "state": state.label.lower(),
            "n": n,
        }
        signals.append(Signal(SignalKind.AGENCY_LICENCE, message, since, agency=agency))
    return signals


def fee_signals(office: Organisation, today: datetime.date) -> list[Signal]:
    files = _open_files(office).filter(
        job_order__isnull=False, fee_charged_idr__gt=F("job_order__worker_fee_idr")
    )
    return [
        Signal(
            SignalKind.FEE_ABOVE_JOB_ORDER,
            _("The worker says %(charged)s was charged; job order %(permit)s states %(stated)s.")
            % {
                "charged": idr(f.fee_charged_idr),
                "permit": f.job_order.permit_number,
                "stated": idr(f.job_order.worker_fee_idr),
            },
            _opened_on(f, office),
            file=f,
        )
        for f in files
    ]


def _born_after(scheme_minimum: Iterable[tuple[str, int]], today: datetime.date) -> Q:
    """People under the minimum age of their file's scheme: born after the day that would
    make them exactly that old today."""
    condition = Q()
    for scheme, minimum in scheme_minimum:
        cutoff = today - relativedelta(years=minimum)
        condition |= Q(scheme=scheme, person__birth_date__gt=cutoff)
    return condition


def age_signals(office: Organisation, today: datetime.date) -> list[Signal]:
    minimums = {scheme: minimum_age(scheme) for scheme in Scheme.values}
    files = _open_files(office).filter(
        Q(person__birth_date__isnull=True) | _born_after(minimums.items(), today)
    )
    signals = []
    for f in files:
        age = f.person.age_on(today)
        if age is None:
            message = _("The person's date of birth is not recorded, so the age is unknown.")
        else:
            message = _(
                "The person is %(age)s; the scheme needs workers aged at least %(minimum)s."
            ) % {"age": age, "minimum": minimums[f.scheme]}
        signals.append(Signal(SignalKind.UNDER_AGE, message, _opened_on(f, office), file=f))
    return signals


def stuck_signals(office: Organisation, today: datetime.date) -> list[Signal]:
    days = settings.PLACEMENT_STUCK_AFTER_DAYS
    files = _open_files(office).filter(
        stage__in=PREPARATION_STAGES, stage_since__lt=today - datetime.timedelta(days=days)
    )
    return [
        Signal(
            SignalKind.STUCK,
            _("At the stage “%(stage)s” for %(days)s days (more than %(limit)s).")
            % {
                "stage": f.get_stage_display(),
                "days": (today - f.stage_since).days,
                "limit": days,
            },
            f.stage_since,
            file=f,
        )
        for f in files.order_by("stage_since", "pk")
    ]


def passport_signals(office: Organisation, today: datetime.date) -> list[Signal]:
    schemes = [scheme for scheme in Scheme.values if needs_job_order(scheme)]
    passports = PersonDocument.objects.filter(
        person=OuterRef("person"), document_type__code=PASSPORT_CODE
    )
    files = _open_files(office).filter(
        Exists(passports), job_order__isnull=True, scheme__in=schemes
    )
    return [
        Signal(
            SignalKind.PASSPORT_WITHOUT_JOB_ORDER,
            _(
                "A passport is in the registry but the file has no job order, which the scheme "
                "“%(scheme)s” needs: was the passport applied for as a tourist to work abroad?"
            )
            % {"scheme": f.get_scheme_display()},
            _opened_on(f, office),
            file=f,
        )
        for f in files
    ]


def fraud_signals(office: Organisation, today: datetime.date) -> list[Signal]:
    """Every warning about the office's placement files on `today`, grouped by kind."""
    return [
        *agency_signals(office, today),
        *fee_signals(office, today),
        *age_signals(office, today),
        *stuck_signals(office, today),
        *passport_signals(office, today),
    ]
