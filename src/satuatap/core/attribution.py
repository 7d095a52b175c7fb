"""Who each change in the audit trail is recorded as: every entry has an author.

django-auditlog writes an entry for each change of a registered model (`core.audit`). Who made
it is decided here, once, when the entry is saved (a `pre_save` receiver on `LogEntry`): every
entry written while one of the scopes below is open gets its actor and `additional_data` from
the innermost scope that says who acts, plus the data of the scopes inside that one.

- `attributed_to_request(request)`, opened by `core.middleware.AuditMiddleware` around every
  request: the request's user **when the change is written**. An API call is therefore the
  bearer token's user (ninja authenticates it after the middleware ran; auditlog's own
  middleware fixes the actor too early and recorded every API change without an author), with
  the token's id as `additional_data["api_token"]`; a session call is the session's user. An
  anonymous request (the public survey) is `on_behalf_of: "public:<view name>"`.
- `acting_as(user, **data)`: work done for a person outside their own request — a background
  job they started (`core.tasks.user_task`, with `job`), a command run with `--user`, the API
  token exchange once the password is checked.
- `acting_as_system(name)`: work nobody asked for — scheduled jobs (`core.tasks.system_task`):
  no actor, `additional_data["on_behalf_of"] = "system:<name>"`.
- `acting_as_command(name)`: a management command run from the shell (`satuatap <command>`,
  see `satuatap.__main__`): `on_behalf_of = "command:<name>"` and the operating-system user.
- `with_audit_data(**data)`: adds data (why a token was revoked) to the entries made inside,
  leaving who acts to the scopes around it.

An entry whose author holds a role of the MRC's case work (`core.roles.CASE_WORK_ROLES`) is
marked `additional_data["case_work"] = True`, as the author's roles are when it is written: what
they read or changed outside the MRC can tell that a person is an MRC client, so `core.trail`
shows such entries only to who may read every case of the office, even after the author has
moved to another role.

This module imports no model, so `satuatap.__main__` can open a scope before Django is set up.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# The request attribute the API's bearer authentication sets to the id of the token it accepted.
API_TOKEN_ATTRIBUTE = "satuatap_api_token_id"


@dataclass(frozen=True)
class _Scope:
    parent: _Scope | None
    data: dict[str, Any] = field(default_factory=dict)
    says_who: bool = False
    actor: Any = None
    request: Any = None

    def who(self) -> tuple[Any, dict[str, Any]]:
        """The actor and the data that go with them (for a scope that says who acts)."""
        if self.request is None:
            return self.actor, {}
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            token_id = getattr(self.request, API_TOKEN_ATTRIBUTE, None)
            return user, ({"api_token": token_id} if token_id is not None else {})
        # The view's name, never the path: a public path may hold a token (a ticket's survey).
        match = getattr(self.request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "unknown"
        return None, {"on_behalf_of": f"public:{view}"}


_current: ContextVar[_Scope | None] = ContextVar("satuatap_audit_scope", default=None)


@contextlib.contextmanager
def _open(**scope: Any) -> Iterator[None]:
    token = _current.set(_Scope(parent=_current.get(), **scope))
    try:
        yield
    finally:
        _current.reset(token)


def attributed_to_request(request) -> contextlib.AbstractContextManager[None]:
    """Changes made while `request` is handled are its user's, as they are at that moment."""
    return _open(says_who=True, request=request)


def acting_as(user, **data: Any) -> contextlib.AbstractContextManager[None]:
    """Changes made inside are `user`'s, with `data` (e.g. `job="people.import"`) recorded."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ValueError("acting_as needs a user; use acting_as_system for work nobody asked for")
    return _open(says_who=True, actor=user, data=dict(data))


def acting_as_system(name: str, **data: Any) -> contextlib.AbstractContextManager[None]:
    """Changes made inside are the system's, named: `on_behalf_of = "system:<name>"`."""
    return _open(says_who=True, data={"on_behalf_of": f"system:{name}", **data})


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return ""


def acting_as_command(name: str) -> contextlib.AbstractContextManager[None]:
    """Changes made inside are the command's (run by whoever has the server's shell)."""
    return _open(says_who=True, data={"on_behalf_of": f"command:{name}", "os_user": _os_user()})


def with_audit_data(**data: Any) -> contextlib.AbstractContextManager[None]:
    """Entries made inside carry `data` too; who acts is left to the scopes around."""
    return _open(data=dict(data))


def current_attribution() -> tuple[Any, dict[str, Any]]:
    """The actor (or None) and the `additional_data` an entry saved now would get."""
    scope, data = _current.get(), dict[str, Any]()
    while scope is not None:
        data = {**scope.data, **data}
        if scope.says_who:
            actor, own = scope.who()
            return actor, {**own, **data}
        scope = scope.parent
    return None, data


def _does_case_work(user) -> bool:
    from satuatap.core.roles import CASE_WORK_ROLES

    return bool(CASE_WORK_ROLES.intersection(getattr(user, "roles", None) or ()))


def _attribute_entry(sender, instance, **kwargs) -> None:
    """pre_save of every LogEntry: fill in who made the change, and how."""
    if instance.pk is not None:
        return  # only new entries: the trail itself is never rewritten here
    actor, data = current_attribution()
    if instance.actor_id is None and actor is not None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None)
    elif instance.actor_id is not None and actor is not None and instance.actor_id != actor.pk:
        # An entry written for someone else names them itself; the token is not theirs.
        data.pop("api_token", None)
    if instance.actor_id is not None and _does_case_work(instance.actor):
        data["case_work"] = True
    if not data:
        return
    existing = instance.additional_data
    if existing is None:
        instance.additional_data = data
    elif isinstance(existing, dict):
        instance.additional_data = {**data, **existing}
    else:
        instance.additional_data = {**data, "value": existing}


def connect() -> None:
    """Called once from `CoreConfig.ready`."""
    from auditlog.models import LogEntry
    from django.db.models.signals import pre_save

    pre_save.connect(_attribute_entry, sender=LogEntry, dispatch_uid="satuatap_attribution")
