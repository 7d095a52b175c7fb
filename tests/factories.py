"""factory_boy factories for the personas every access rule needs."""

from __future__ import annotations

import datetime

import factory
from django.conf import settings

from satuatap.core.models import (
    Desk,
    DeskType,
    Organisation,
    OrganisationKind,
    PartnerType,
    RoleAssignment,
    User,
)
from satuatap.frontdesk.models import Service
from satuatap.people.models import Person, Sex
from satuatap.regions.models import Region

PASSWORD = "correct-horse-battery-9"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    kind = OrganisationKind.OFFICE
    slug = "cirebon"
    name = factory.LazyAttribute(lambda o: f"LTSA-PPMI {o.slug.title()}")
    region = factory.LazyAttribute(
        lambda o: Region.objects.get(code={"cirebon": "32.09", "tulungagung": "35.04"}[o.slug])
    )


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    kind = OrganisationKind.PARTNER
    slug = "wcc-mawar-balqis"
    name = "WCC Mawar Balqis"
    partner_type = PartnerType.WOMENS_CRISIS_CENTRE


class MinistryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    kind = OrganisationKind.MINISTRY
    slug = "national"
    name = "Kementerian"


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk
        django_get_or_create = ("office", "desk_type")

    office = factory.SubFactory(OfficeFactory)
    desk_type = factory.LazyFunction(lambda: DeskType.objects.get(code="ketenagakerjaan"))
    prefix = factory.LazyAttribute(lambda o: o.desk_type.default_prefix)


class ServiceFactory(factory.django.DjangoModelFactory):
    """The labour desk's CPMI registration, the service most journeys check a visitor in for."""

    class Meta:
        model = Service

    desk = factory.SubFactory(DeskFactory)
    office = factory.LazyAttribute(lambda o: o.desk.office)
    name_id = "Pendaftaran CPMI"
    name_en = "CPMI registration"
    target_minutes = 20


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    organisation = factory.SubFactory(OfficeFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleAssignment.objects.get_or_create(user=self, role=role)
        self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    office = factory.SubFactory(OfficeFactory)
    full_name = factory.Faker("name", locale="id_ID")
    sex = Sex.FEMALE
    birth_date = datetime.date(1995, 3, 14)
    nik = factory.Sequence(lambda n: f"32090154039{5000 + n:05d}"[:16])


def demo_password() -> str:
    return settings.SATUATAP_DEMO_PASSWORD


def pair_device(*, office, kind: str, by, name: str = "TV ruang tunggu", desks=()):
    """A device paired the way a real one is (a code on the device, the head's confirmation,
    the device picking its credential up); returns the device and its credential, the value
    of its `devices.DEVICE_COOKIE` cookie."""
    from satuatap.frontdesk.devices import services as device_services

    secret, pairing = device_services.start_pairing(kind=kind)
    device = device_services.confirm_pairing(
        office=office, code=pairing.code, kind=kind, name=name, desks=desks, by=by
    )
    claimed = device_services.claim_device(secret=secret)
    assert claimed is not None
    raw, claimed_device = claimed
    assert claimed_device == device
    return device, raw
