"""Server errors the page crawl (test_crawled_pages.py) found, each pinned by a small test:
a filter argument that does not resolve raises in Django templates (500), and a superuser
passes every rule but belongs to no office."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from satuatap.core.models import User
from satuatap.core.roles import Role
from satuatap.people import services as people_services
from satuatap.people.models import Relation
from satuatap.placement.files import services as files
from satuatap.placement.models import Scheme
from tests import purpose as purpose_form
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_placement_file_without_a_job_order_shows_its_page(client, office, make_user):
    officer = make_user(Role.PLACEMENT_OFFICER)
    placement_file = files.open_file(
        person=PersonFactory(office=office),
        by=officer,
        values={"scheme": Scheme.INDIVIDUAL, "employer": "Keluarga Tan", "occupation": ""},
    )
    assert placement_file.job_order is None
    client.force_login(officer)
    response = client.get(reverse("placement:file-detail", args=[placement_file.pk]))
    assert response.status_code == 200
    assert "Keluarga Tan" in response.content.decode()


def test_the_printable_copy_of_a_person_with_family_shows(client, office, make_user):
    frontdesk = make_user(Role.FRONTDESK)
    person, spouse = PersonFactory(office=office), PersonFactory(office=office)
    people_services.link_family(
        person=person, relative=spouse, relation=Relation.SPOUSE, by=frontdesk
    )
    client.force_login(frontdesk)
    for shown in (person, spouse):  # one holds the link, the other is named in it
        url = reverse("people:export", args=[shown.pk, "html"])
        response = purpose_form.read(client, url, "data_subject")
        assert response.status_code == 200
        assert not purpose_form.is_purpose_page(response)  # the copy itself, not the question
        page = response.content.decode()
        assert html.escape(person.full_name) in page and html.escape(spouse.full_name) in page


@pytest.mark.parametrize("name", ["frontdesk:desk-list", "placement:job-order-list"])
def test_a_superuser_without_an_office_is_refused_not_crashed(client, ministry, name):
    root = User.objects.create_superuser("root", password="x" * 12, organisation=ministry)
    client.force_login(root)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
