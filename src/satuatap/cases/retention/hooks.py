"""What the MRC registers, from `CasesConfig.ready()`, with the retention schedule and the
registry, without the registry knowing why (people.data_rights.hooks and people.retention; the
registry never imports the MRC).

- **Record class** `closed_cases` (`core/retention/`): a closed case whose period has run out
  and that no hold keeps is anonymised (`services.anonymise_cases`).
- **Erasure review**: anyone who is the client or complainant of a case the retention schedule
  has not yet anonymised. The office head's erasure page is the same for every record (it
  cannot say "an open MRC case" without naming the clients of restricted cases the head may not
  see); a request for such a person waits for a case supervisor (`selectors`,
  `services.approve_erasure`), who sees the cases and decides.
- **Holds** (kept past every retention period): the client or complainant of a case that is not
  closed (an open case), of a case with a referral a partner has not answered or completed (a
  complaint still pending), or of a case under a legal hold set by a case supervisor.
- **Activity**: an MRC contact with the person, or a case of theirs changing, is activity: the
  registry does not count them as inactive.
- **Audit entries** of a case and its parts are kept as long as the case is not anonymised.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from satuatap.cases.models import Case, CaseStatus, Contact
from satuatap.cases.retention.selectors import held_cases
from satuatap.cases.retention.services import anonymise_cases
from satuatap.core.retention import (
    Cutoff,
    RecordClass,
    register_audit_keep,
    register_record_class,
)
from satuatap.people.data_rights.hooks import register_erasure_review
from satuatap.people.models import Person
from satuatap.people.retention import register_activity, register_person_hold


def _people_of(cases: QuerySet[Case]) -> QuerySet:
    return Person.objects.filter(
        Q(pk__in=cases.values("client_id"))
        # NULL in an IN list makes NOT IN unknown for every row: complainants only where set.
        | Q(pk__in=cases.filter(complainant__isnull=False).values("complainant_id"))
    ).values("pk")


def _held_people() -> QuerySet:
    return _people_of(held_cases())


def _people_in_cases() -> QuerySet:
    return _people_of(Case.objects.filter(anonymised_at__isnull=True))


def _contact_activity(since: datetime.date) -> QuerySet:
    moment = Cutoff.of(since).moment
    contacts = Contact.objects.filter(occurred_on__gte=since)
    cases = Case.objects.filter(updated_at__gte=moment)
    return Person.objects.filter(
        Q(pk__in=contacts.filter(person__isnull=False).values("person_id"))
        | Q(
            pk__in=Contact.participants.through.objects.filter(
                contact__occurred_on__gte=since
            ).values("person_id")
        )
        | Q(pk__in=cases.values("client_id"))
        | Q(pk__in=cases.filter(complainant__isnull=False).values("complainant_id"))
    ).values("pk")


def _kept_case_audit() -> Q:
    return Q(
        content_type=ContentType.objects.get_for_model(Case),
        object_id__in=Case.objects.filter(anonymised_at__isnull=True).values("pk"),
    )


def _due(cutoff: Cutoff) -> QuerySet[Case]:
    return Case.objects.filter(
        status=CaseStatus.CLOSED, closed_at__lt=cutoff.moment, anonymised_at__isnull=True
    )


def _not_held(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.exclude(pk__in=held_cases().values("pk"))


def register() -> None:
    register_erasure_review(_people_in_cases)
    register_person_hold(_held_people)
    register_activity(_contact_activity)
    register_audit_keep(_kept_case_audit)
    register_record_class(
        RecordClass(
            key="closed_cases",
            label=_("Closed MRC cases"),
            default="10y",
            counted_from=_("the day the case was closed"),
            action=_(
                "the story, names complained about, safety details, notes, plan items, "
                "attachments and the texts of referrals and consents are erased; categories, "
                "dates, outcome and amounts stay"
            ),
            due=_due,
            exclude_held=_not_held,
            purge=anonymise_cases,
            office="office_id",
            order=40,
            batch_size=50,
        )
    )
