from auditlog.registry import auditlog


def register_models() -> None:
    from satuatap.portal.models import Challenge

    # Who identified in the portal and when (a challenge with a person, and its use); never
    # the code's hash nor the token the browser holds.
    auditlog.register(Challenge, exclude_fields=["token", "code_hash"])
