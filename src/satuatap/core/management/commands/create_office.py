"""`satuatap create_office --name … --slug … --region 35.05 --head-username …`: a new office and
its first head, from the server's shell (the same service as the administrator's page
`/offices/new/`). Prints the one-time link to set the head's password, or where it was mailed."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Language, OfficeTimeZone
from satuatap.core.staff import services as staff_services
from satuatap.regions.models import Region


class Command(BaseCommand):
    help = (
        "Create an office for a regency or city, with its first head (no password yet: the "
        "command prints the link to set it, or mails it when --head-email is given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 'LTSA-PPMI Blitar'")
        parser.add_argument("--slug", required=True, help="short name, e.g. blitar")
        parser.add_argument("--region", required=True, help="Kemendagri code, e.g. 35.05")
        parser.add_argument(
            "--time-zone", default=OfficeTimeZone.WIB.value, choices=OfficeTimeZone.values
        )
        parser.add_argument("--head-username", required=True)
        parser.add_argument("--head-name", required=True, help="the head's full name")
        parser.add_argument("--head-email", default="")
        parser.add_argument(
            "--head-language", default=Language.INDONESIAN.value, choices=Language.values
        )

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"].strip()).first()
        if region is None:
            raise CommandError(_("There is no region %(code)s.") % {"code": options["region"]})
        try:
            change = staff_services.create_office(
                by=None,
                name=options["name"],
                slug=options["slug"],
                region=region,
                time_zone=options["time_zone"],
                head_username=options["head_username"],
                head=staff_services.Details(
                    full_name=options["head_name"],
                    email=options["head_email"],
                    language=options["head_language"],
                ),
            )
            link = staff_services.issue_password_link(
                member=change.member, by=None, base_url=settings.SATUATAP_SITE_URL
            )
        except DomainError as error:
            details = error.details if isinstance(error.details, dict) else {}
            problems = "; ".join(f"{key}: {message}" for key, message in details.items())
            raise CommandError(f"{error.message} {problems}".strip()) from error
        office = change.member.organisation
        self.stdout.write(
            _("Created %(office)s with its head %(username)s.")
            % {"office": office, "username": change.member.username}
        )
        if link.emailed_to:
            self.stdout.write(
                _("The link to set a password is mailed to %(address)s.")
                % {"address": link.emailed_to}
            )
        else:
            self.stdout.write(
                _("Link to set the password (works once): %(url)s") % {"url": link.url}
            )
