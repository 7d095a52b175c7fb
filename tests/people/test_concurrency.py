"""The same NIK can never be registered twice, also when requests race."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.people import services
from satuatap.people.models import Person, Sex

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8


def test_concurrent_registrations_of_one_nik_create_exactly_one_person(make_user):
    officer = make_user(Role.FRONTDESK)
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(n: int) -> None:
        try:
            barrier.wait()
            services.register_person(
                by=officer, full_name=f"Racer {n}", sex=Sex.FEMALE, nik="3209015403950001"
            )
            result = "created"
        except DomainError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["created"] + ["duplicate_nik"] * (RACERS - 1)
    assert Person.objects.filter(nik="3209015403950001").count() == 1
