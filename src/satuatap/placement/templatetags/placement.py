from django import template

from satuatap.placement.models import LicenceState

register = template.Library()

BADGE_CLASSES = {
    LicenceState.VALID: "text-bg-success",
    LicenceState.NOT_YET_VALID: "text-bg-secondary",
    LicenceState.EXPIRED: "text-bg-warning",
    LicenceState.SUSPENDED: "text-bg-warning",
    LicenceState.REVOKED: "text-bg-danger",
}


@register.inclusion_tag("placement/_licence_badge.html")
def licence_badge(agency, on):
    """The agency's licence state on `on`, as a coloured badge whose text says it all."""
    state = agency.licence_state(on)
    return {
        "state": state,
        "css": BADGE_CLASSES[state],
        "is_valid": state == LicenceState.VALID,
    }
