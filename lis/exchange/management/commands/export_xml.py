"""`lis export-xml --output FILE`: write a national cadastral exchange file."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lis.admin_units.models import UnitCatalogue
from lis.core.errors import DomainError
from lis.exchange.management.commands.import_parcels import ConsoleProgress
from lis.exchange.national_xml.exporter import XmlExportOptions, export_xml


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A lazy string here breaks argparse's --help; translate on use.
        return _(
            "Write parcels with their land users, rights and certificates as a"
            " national exchange file (XML, schema lis-dulieudatdai-1.0.xsd)."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--commune", help=_("code of the commune to export"))
        parser.add_argument(
            "--unit-catalogue",
            choices=UnitCatalogue.values,
            help=_("catalogue of the commune code: 2004 (until 30/06/2025) or 2025"),
        )
        parser.add_argument(
            "--sheet", type=int, help=_("map sheet number within the commune")
        )
        parser.add_argument(
            "--user",
            help=_("account exporting; it must be allowed to read personal data"),
        )
        parser.add_argument(
            "--exporting-unit", default="", help=_("name of the exporting office")
        )

    def handle(self, *args, **options) -> None:
        if options["unit_catalogue"] and not options["commune"]:
            raise CommandError(_("--unit-catalogue needs --commune."))
        progress = ConsoleProgress(enabled=options["verbosity"] > 0)
        try:
            result = export_xml(
                options["output"],
                XmlExportOptions(
                    commune=options["commune"],
                    unit_catalogue=options["unit_catalogue"],
                    sheet=options["sheet"],
                    exporting_unit=options["exporting_unit"],
                ),
                acting_user=self._user(options["user"]),
                progress=progress,
            )
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Wrote %(parcels)d parcels, %(land_users)d land users,"
                    " %(certificates)d certificates and %(rights)d rights to %(path)s."
                )
                % {
                    "parcels": result.parcels,
                    "land_users": result.land_users,
                    "certificates": result.certificates,
                    "rights": result.rights,
                    "path": result.path,
                }
            )
        )

    @staticmethod
    def _user(username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as err:
            raise CommandError(_("No account %(name)s.") % {"name": username}) from err
