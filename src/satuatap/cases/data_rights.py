"""What the MRC tells the registry about erasure and retention, without telling it why
(people.data_rights and people.retention hooks; the registry never imports the MRC).

- **Erasure review**: anyone who is the client or complainant of a case the retention schedule
  has not yet anonymised. The office head's erasure page is the same for every record (it
  cannot say "an open MRC case" without naming the clients of restricted cases the head may not
  see); a request for such a person waits for a case supervisor (`cases/erasure.py`), who sees
  the cases and decides.
- **Holds** (kept past every retention period): the client or complainant of a case that is not
  closed (an open case), of a case with a referral a partner has not answered or completed (a
  complaint still pending), or of a case under a legal hold set by a case supervisor.
- **Activity**: an MRC contact with the person, or a case of theirs changing, is activity: the
  registry does not count them as inactive.
- **Audit entries** of a case and its parts are kept as long as the case is not anonymised.
"""

from __future__ import annotations

from django.db.models import Q


def _people_of(cases):
    from satuatap.people.models import Person

    return Person.objects.filter(
        Q(pk__in=cases.values("client_id"))
        # NULL in an IN list makes NOT IN unknown for every row: complainants only where set.
        | Q(pk__in=cases.filter(complainant__isnull=False).values("complainant_id"))
    ).values("pk")


def held_cases():
    """Cases a hold keeps: not closed, a referral still pending, or a legal hold standing."""
    from satuatap.cases.models import Case, CaseStatus, LegalHold, Referral, ReferralState

    pending = Referral.objects.filter(
        state__in=[ReferralState.SENT, ReferralState.ACCEPTED], stopped_at__isnull=True
    )
    return Case.objects.filter(
        ~Q(status=CaseStatus.CLOSED)
        | Q(pk__in=pending.values("case_id"))
        | Q(pk__in=LegalHold.objects.filter(lifted_at__isnull=True).values("case_id"))
    )


def _held_people():
    return _people_of(held_cases())


def _people_in_cases():
    from satuatap.cases.models import Case

    return _people_of(Case.objects.filter(anonymised_at__isnull=True))


def _contact_activity(since):
    from satuatap.cases.models import Case, Contact
    from satuatap.core.retention import Cutoff
    from satuatap.people.models import Person

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


def _kept_case_audit():
    from django.contrib.contenttypes.models import ContentType

    from satuatap.cases.models import Case

    return Q(
        content_type=ContentType.objects.get_for_model(Case),
        object_id__in=Case.objects.filter(anonymised_at__isnull=True).values("pk"),
    )


def register() -> None:
    from satuatap.core.retention import register_audit_keep
    from satuatap.people.data_rights import register_erasure_review
    from satuatap.people.retention import register_activity, register_person_hold

    register_erasure_review(_people_in_cases)
    register_person_hold(_held_people)
    register_activity(_contact_activity)
    register_audit_keep(_kept_case_audit)
