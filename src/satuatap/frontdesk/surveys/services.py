"""Writes of the IKM survey: recording a visit's answers, once."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.retention import RunContext
from satuatap.frontdesk.ikm import ANSWERS, ELEMENT_CODES
from satuatap.frontdesk.models import Survey, Visit
from satuatap.frontdesk.services import anonymise_visits
from satuatap.frontdesk.surveys import COMMENT_MAX_LENGTH
from satuatap.frontdesk.surveys.selectors import was_served


def _invalid(code: str, message: str) -> DomainError:
    return DomainError(code, message, status=422)


def _already_answered() -> DomainError:
    return DomainError(
        "already_answered", _("This visit's survey has already been answered."), status=409
    )


def _not_served() -> DomainError:
    return DomainError(
        "not_served",
        _(
            "The survey opens once a desk has served you. Please answer it at the end of "
            "your visit."
        ),
        status=409,
    )


def submit_survey(
    *,
    visit: Visit,
    answers: Mapping[str, int | None],
    comment: str = "",
    channel: str,
) -> Survey:
    """Record the visit's survey. Each answer is 1–4 or blank (None); at least one answered.
    Refused (`not_served`, nothing stored) until a desk has served the visit."""
    if not was_served(visit):
        raise _not_served()
    if channel not in Survey.Channel.values:
        raise _invalid("unknown_channel", _("Unknown survey channel."))
    unknown = set(answers) - set(ELEMENT_CODES)
    if unknown:
        raise _invalid("unknown_element", _("Unknown question in the answers."))
    values: dict[str, int | None] = {}
    for code in ELEMENT_CODES:
        answer = answers.get(code)
        if answer is not None and (type(answer) is not int or answer not in ANSWERS):
            raise _invalid("invalid_answer", _("Each answer is a number from 1 to 4, or blank."))
        values[code] = answer
    if all(v is None for v in values.values()):
        raise _invalid("no_answer", _("Answer at least one question."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise _invalid(
            "comment_too_long",
            _("The comment is too long: at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH},
        )
    # No check-then-insert: the one-to-one constraint on `visit` decides, so two submissions
    # at once (a double tap, QR and kiosk together) store one survey and refuse the other.
    try:
        with transaction.atomic():
            return Survey.objects.create(visit=visit, channel=channel, comment=comment, **values)
    except IntegrityError:
        if Survey.objects.filter(visit_id=visit.pk).exists():
            raise _already_answered() from None
        raise


def erase_survey_comments(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Erase the comments of these surveys and take the person off their visits; the answers
    stay. The retention schedule's purge of the record class `survey_answers`."""
    surveys = Survey.objects.filter(pk__in=pks)
    anonymise_visits(list(surveys.values_list("visit_id", flat=True)))
    surveys.update(comment="")
    return pks
