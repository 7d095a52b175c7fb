"""Reads of MRC records, already filtered to what the caller may see (see rules.py).

Every list and search starts from `visible_cases`: a restricted case never reaches anyone who is
not assigned to it or a case supervisor of its office, so no list, count or search can show it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from satuatap.cases.models import (
    ActionItem,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseStatus,
    Contact,
    Referral,
    ReferralState,
)
from satuatap.core.models import Organisation, User
from satuatap.core.roles import Role


def _current_assignment(user: User) -> Exists:
    return Exists(
        CaseAssignment.objects.filter(case=OuterRef("pk"), worker_id=user.pk, ended_at__isnull=True)
    )


def visible_cases(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.has_perm("cases.list_cases"):
        return Case.objects.none()
    cases = Case.objects.filter(office_id=user.office_id_or_none).select_related("client")
    if user.has_role(Role.CASE_SUPERVISOR):
        return cases
    return cases.filter(Q(is_restricted=False) | _current_assignment(user))


def get_visible_case(user: User, case_id: int) -> Case | None:
    return visible_cases(user).filter(pk=case_id).first()


def with_number(user: User, cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases among `cases` whose reference contains `text`. Case supervisors also find a case
    by the sequential number it had before references were drawn at random: they see every case,
    while anyone else, setting the old numbers of the cases they see side by side, would count
    the restricted ones in the gaps."""
    match = Q(number__icontains=text)
    if user.has_perm("cases.view_team_cases"):
        match |= Q(former_number__icontains=text)
    return cases.filter(match)


def my_cases(user: User) -> QuerySet[Case]:
    return visible_cases(user).filter(_current_assignment(user)).exclude(status=CaseStatus.CLOSED)


def team_cases(user: User) -> QuerySet[Case]:
    if not user.has_perm("cases.view_team_cases"):
        return Case.objects.none()
    return visible_cases(user).exclude(status=CaseStatus.CLOSED)


def awaiting_closure(user: User) -> QuerySet[Case]:
    return team_cases(user).filter(status=CaseStatus.RESOLVED)


def overdue_actions(user: User, today: datetime.date) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(
            case__in=visible_cases(user), done_at__isnull=True, due_on__lt=today
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "owner")
        .order_by("due_on", "pk")
    )


def overdue_referrals(user: User, today: datetime.date) -> QuerySet[Referral]:
    """Referrals the partner has not answered by their due date."""
    return (
        Referral.objects.filter(
            case__in=visible_cases(user),
            state=ReferralState.SENT,
            due_on__lt=today,
            stopped_at__isnull=True,
        )
        .select_related("case", "partner")
        .order_by("due_on", "pk")
    )


def overdue_cases(user: User, today: datetime.date) -> QuerySet[Case]:
    late_action = ActionItem.objects.filter(
        case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today
    )
    late_referral = Referral.objects.filter(
        case=OuterRef("pk"), state=ReferralState.SENT, due_on__lt=today, stopped_at__isnull=True
    )
    return (
        visible_cases(user)
        .exclude(status=CaseStatus.CLOSED)
        .filter(Exists(late_action) | Exists(late_referral))
    )


@dataclass(frozen=True)
class CaseNextAction:
    case: Case
    next_due: datetime.date | None  # the due date of its next open action, if any
    is_overdue: bool  # an action or a partner's answer is overdue


def my_cases_by_next_action(
    user: User, today: datetime.date, *, limit: int | None = None
) -> list[CaseNextAction]:
    """The user's open cases, the overdue first, then by the next open action's due date
    (cases with no action planned last), then by priority; the first `limit` of them."""
    late_action = ActionItem.objects.filter(
        case=OuterRef("pk"), done_at__isnull=True, due_on__lt=today
    )
    late_referral = Referral.objects.filter(
        case=OuterRef("pk"), state=ReferralState.SENT, due_on__lt=today, stopped_at__isnull=True
    )
    next_action = ActionItem.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
    cases = (
        my_cases(user)
        .annotate(
            next_due=Subquery(next_action.order_by("due_on").values("due_on")[:1]),
            is_overdue=ExpressionWrapper(
                Q(Exists(late_action)) | Q(Exists(late_referral)), output_field=BooleanField()
            ),
        )
        .order_by(F("is_overdue").desc(), F("next_due").asc(nulls_last=True), "priority", "-pk")
    )
    if limit is not None:
        cases = cases[:limit]
    return [CaseNextAction(case, case.next_due, bool(case.is_overdue)) for case in cases]


def my_overdue_cases(user: User, today: datetime.date) -> QuerySet[Case]:
    """The user's open cases with an overdue action or an unanswered referral past its date."""
    return overdue_cases(user, today).filter(_current_assignment(user))


def unassigned_cases(user: User) -> QuerySet[Case]:
    """The team's open cases that nobody works on (case supervisors only: `team_cases`)."""
    current = CaseAssignment.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    return team_cases(user).filter(~Exists(current))


def overdue_actions_by_worker(user: User, today: datetime.date) -> list[dict]:
    """How many overdue actions each owner has on the cases the user may see, most first:
    rows of `owner_id`, `owner__full_name`, `owner__username` and `count`."""
    return list(
        overdue_actions(user, today)
        .order_by()
        .values("owner_id", "owner__full_name", "owner__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner__full_name", "owner__username")
    )


def visible_contacts(user: User) -> QuerySet[Contact]:
    """Contacts of the office for those who work with cases (rules: `cases.view_contact`).
    Contacts linked to a case the user may not see are left out, and so is a restricted contact
    (a sensitive topic with a named person) for anyone but who recorded it, the workers
    assigned to its case and the case supervisors: no list, count, search or API answer shows
    it or its person to anyone else."""
    if not user.is_authenticated or not user.has_perm("cases.list_cases"):
        return Contact.objects.none()
    contacts = Contact.objects.filter(office_id=user.office_id_or_none).filter(
        Q(case__isnull=True) | Q(case__in=visible_cases(user))
    )
    if not user.has_role(Role.CASE_SUPERVISOR):
        assigned = CaseAssignment.objects.filter(
            case_id=OuterRef("case_id"), worker_id=user.pk, ended_at__isnull=True
        )
        contacts = contacts.filter(
            Q(is_restricted=False) | Q(recorded_by_id=user.pk) | Exists(assigned)
        )
    return contacts.select_related("person", "recorded_by")


def case_events(user: User, case: Case) -> QuerySet[CaseEvent]:
    """The timeline events of a case the user may see: a restricted contact's event only for
    those who may see that contact (who recorded it, the case's workers, the supervisors)."""
    events = case.events.select_related("by")
    if (
        user.has_role(Role.CASE_SUPERVISOR)
        or case.assignments.filter(worker_id=user.pk, ended_at__isnull=True).exists()
    ):
        return events
    return events.filter(~Q(kind="restricted_contact") | Q(by_id=user.pk))


def get_visible_referral(user: User, referral_id: int) -> Referral | None:
    """A referral of a case the (office) user may see, with what its letter prints."""
    return (
        Referral.objects.filter(pk=referral_id, case__in=visible_cases(user))
        .select_related("case", "case__office", "case__client", "consent", "partner", "sent_by")
        .first()
    )


def get_visible_attachment(
    user: User, *, case_id: int, attachment_id: int
) -> CaseAttachment | None:
    """The attachment, if its case is one the user may see (else None: a 404)."""
    case = get_visible_case(user, case_id)
    if case is None or not user.has_perm("cases.view_case", case):
        return None
    return case.attachments.filter(pk=attachment_id).first()


def case_workers(office: Organisation | None) -> QuerySet[User]:
    """Active counsellors and case supervisors of `office`: who may own or take a case."""
    if office is None:
        return User.objects.none()
    return (
        User.objects.filter(
            organisation=office,
            is_active=True,
            role_assignments__role__in=[Role.COUNSELLOR, Role.CASE_SUPERVISOR],
        )
        .distinct()
        .order_by("full_name", "username")
    )


def case_access_log(user: User, case: Case) -> QuerySet:
    """Who read the case and its referrals (a partner reads a referral), when and why, newest
    first. For the case supervisors (`cases.view_access_log`, checked by the caller), who see
    every read: nothing is hidden from them (`core.trail`)."""
    from satuatap.core.selectors import access_entries

    referrals = list(case.referrals.values_list("pk", flat=True))
    return access_entries(
        user,
        records={Case: [case.pk], Referral: referrals},
        office=case.office,
        hide_case_work=False,
    )
