"""The IKM satisfaction index (Indeks Kepuasan Masyarakat, PermenPANRB 14/2017).

Nine elements (unsur), each answered 1–4. Per element the mean of the answers filled in (a
blank answer is left out of that element's mean: the regulation divides by the answers given);
IKM = Σ mean_i × 1/9; index = IKM × 25, on the 25–100 scale; graded A–D.

The arithmetic is `core.ikm`'s (exact, shared with the reports): only the final converted value
is rounded, to 2 decimals half up, and the grade is read from that rounded value.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from satuatap.core.ikm import (
    ANSWERS,
    ELEMENT_COUNT,
    ikm_of_means,
    round_half_up,
    to_index_scale,
)
from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.models import IKM_ELEMENTS, Survey, Ticket


@dataclass(frozen=True)
class Element:
    code: str
    label: Promise
    question: Promise


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _("Requirements"),
        _("How do you rate the requirements you had to meet for this service?"),
    ),
    Element(
        "u2",
        _("System, mechanism and procedure"),
        _("How do you rate the procedure: the steps you went through?"),
    ),
    Element(
        "u3",
        _("Completion time"),
        _("How do you rate the time it took to complete the service?"),
    ),
    Element(
        "u4",
        _("Cost or fee"),
        _("How do you rate the cost or fee of the service (free services included)?"),
    ),
    Element(
        "u5",
        _("Product specification"),
        _("How do you rate what you received, compared with what was promised?"),
    ),
    Element(
        "u6",
        _("Staff competence"),
        _("How do you rate the knowledge and skill of the staff who served you?"),
    ),
    Element(
        "u7",
        _("Staff behaviour"),
        _("How do you rate the courtesy and friendliness of the staff?"),
    ),
    Element(
        "u8",
        _("Handling of complaints, suggestions and input"),
        _("How do you rate the way complaints, suggestions and input are handled here?"),
    ),
    Element(
        "u9",
        _("Facilities"),
        _("How do you rate the office's facilities (waiting room, seats, toilets, access)?"),
    ),
)
assert len(ELEMENTS) == IKM_ELEMENTS == ELEMENT_COUNT
ELEMENT_CODES: tuple[str, ...] = tuple(e.code for e in ELEMENTS)

# A generic four-level wording (the regulation allows element-specific wording; one wording is
# easier for visitors to read on a tablet). Indonesian: tidak baik, kurang baik, baik, sangat baik.
ANSWER_LABELS: dict[int, Promise] = {
    1: _("Not good"),
    2: _("Less than good"),
    3: _("Good"),
    4: _("Very good"),
}


@dataclass(frozen=True)
class Grade:
    letter: str
    label: Promise
    minimum: Decimal  # lowest rounded index with this grade


# Highest first. Index ranges: A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
GRADES: tuple[Grade, ...] = (
    Grade("A", _("Very good"), Decimal("88.31")),
    Grade("B", _("Good"), Decimal("76.61")),
    Grade("C", _("Less than good"), Decimal("65.00")),
    Grade("D", _("Not good"), Decimal("25.00")),
)


def grade_for(index: Decimal) -> Grade:
    """The grade of an index already rounded to 2 decimals."""
    for grade in GRADES:
        if index >= grade.minimum:
            return grade
    return GRADES[-1]


@dataclass(frozen=True)
class ElementResult:
    element: Element
    respondents: int  # how many answered this element
    mean: Fraction | None  # None when nobody answered it

    @property
    def code(self) -> str:
        return self.element.code

    @property
    def label(self) -> Promise:
        return self.element.label

    @property
    def converted(self) -> Decimal | None:
        """The element's mean on the 25–100 scale, rounded like the index."""
        return None if self.mean is None else to_index_scale(self.mean)

    @property
    def mean_rounded(self) -> Decimal | None:
        """For display only: the mean to 2 decimals (the index uses the exact mean)."""
        return None if self.mean is None else round_half_up(self.mean)


@dataclass(frozen=True)
class IkmResult:
    respondents: int  # surveys counted
    elements: tuple[ElementResult, ...]
    ikm: Fraction | None  # Σ mean_i / 9, on the 1–4 scale, exact
    index: Decimal | None  # ikm × 25, rounded to 2 decimals half up
    grade: Grade | None
    reason: str = ""  # why there is no index

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.elements if e.mean is None)

    @property
    def grade_letter(self) -> str | None:
        return self.grade.letter if self.grade else None

    @property
    def grade_label(self) -> str | None:
        return str(self.grade.label) if self.grade else None


def compute_ikm(answers: Iterable[Sequence[int | None]]) -> IkmResult:
    """The IKM of a set of surveys, each given as its nine answers (u1..u9, 1–4 or None).

    The index needs all nine element means: if nobody answered an element, there is no index
    (an element left out would reweight the others) and `reason` says which."""
    totals = [0] * IKM_ELEMENTS
    counts = [0] * IKM_ELEMENTS
    respondents = 0
    for row in answers:
        if len(row) != IKM_ELEMENTS:
            raise ValueError(f"expected {IKM_ELEMENTS} answers, got {len(row)}")
        respondents += 1
        for i, answer in enumerate(row):
            if answer is None:
                continue
            if type(answer) is not int or answer not in ANSWERS:
                raise ValueError(f"answer out of range: {answer!r}")
            totals[i] += answer
            counts[i] += 1
    elements = tuple(
        ElementResult(
            element=element,
            respondents=counts[i],
            mean=Fraction(totals[i], counts[i]) if counts[i] else None,
        )
        for i, element in enumerate(ELEMENTS)
    )
    if respondents == 0:
        return IkmResult(0, elements, None, None, None, str(_("No surveys in this period.")))
    means = [e.mean for e in elements if e.mean is not None]
    missing = [e for e in elements if e.mean is None]
    if missing:
        reason = _(
            "No index: nobody answered %(elements)s, and the index needs all nine elements."
        ) % {"elements": ", ".join(f"{e.code.upper()} ({e.label})" for e in missing)}
        return IkmResult(respondents, elements, None, None, None, str(reason))
    ikm = ikm_of_means(means)
    index = to_index_scale(ikm)
    return IkmResult(respondents, elements, ikm, index, grade_for(index))


# Reads -------------------------------------------------------------------------------------

ANSWER_FIELDS = tuple(f"u{n}" for n in range(1, IKM_ELEMENTS + 1))


def _office_surveys(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> Q:
    return Q(visit__office=office, visit__day__gte=date_from, visit__day__lte=date_to)


def office_ikm(
    office: Organisation,
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    desk: Desk | None = None,
) -> IkmResult:
    """The IKM of an office's surveys for visits on days `date_from`..`date_to` (office days,
    both included); with `desk`, of the visits that had a ticket at that desk. One query.

    Callers check that the user may see the office's statistics."""
    surveys = Survey.objects.filter(_office_surveys(office, date_from, date_to))
    if desk is not None:
        surveys = surveys.filter(
            visit_id__in=Ticket.objects.filter(desk=desk, office=office).values("visit_id")
        )
    return compute_ikm(surveys.values_list(*ANSWER_FIELDS))


def office_ikm_by_desk(
    office: Organisation, *, date_from: datetime.date, date_to: datetime.date
) -> dict[int, IkmResult]:
    """Per desk id, the IKM of the visits that had a ticket at that desk (a visit to two desks
    counts for both). One query; desks without surveys are absent."""
    rows = (
        Survey.objects.filter(_office_surveys(office, date_from, date_to))
        .filter(visit__tickets__isnull=False)
        .values_list("pk", "visit__tickets__desk_id", *ANSWER_FIELDS)
        .distinct()
    )
    by_desk: dict[int, list[tuple]] = defaultdict(list)
    for _pk, desk_id, *answers in rows:
        by_desk[desk_id].append(answers)
    return {desk_id: compute_ikm(answers) for desk_id, answers in by_desk.items()}
