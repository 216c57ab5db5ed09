"""`lis import-xml FILE`: import a national cadastral exchange file (XML)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lis.admin_units.models import UnitCatalogue
from lis.core.errors import DomainError
from lis.exchange.management.commands.import_parcels import ConsoleProgress
from lis.exchange.national_xml.importer import XmlImportOptions, import_xml_file
from lis.exchange.parcel_import.service import ImportMode, ImportReport


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A lazy string here breaks argparse's --help; translate on use.
        return _(
            "Import parcels, land users, rights and certificates from a national"
            " exchange file (XML, schema lis-dulieudatdai-1.0.xsd)."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--unit-catalogue",
            choices=UnitCatalogue.values,
            help=_(
                "catalogue of the commune codes the file gives without one: 2004"
                " (until 30/06/2025) or 2025"
            ),
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help=_("import the valid parcels and report the others"),
        )
        parser.add_argument("--user", help=_("account recorded as the importer"))

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        mode = (
            ImportMode.VALID_ONLY
            if options["valid_only"]
            else ImportMode.ALL_OR_NOTHING
        )
        progress = ConsoleProgress(enabled=options["verbosity"] > 0)
        try:
            report = import_xml_file(
                path,
                XmlImportOptions(unit_catalogue=options["unit_catalogue"], mode=mode),
                acting_user=self._user(options["user"]),
                progress=progress,
            )
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        finally:
            progress.close()
        self._print(report)
        if report.rejections:
            raise CommandError(
                _("%(count)d parcels were rejected.")
                % {"count": report.rejected_features}
            )

    @staticmethod
    def _user(username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as err:
            raise CommandError(_("No account %(name)s.") % {"name": username}) from err

    def _print(self, report: ImportReport) -> None:
        out = self.stdout
        out.write(
            _("File %(file)s: %(count)d parcels in %(crs)s.")
            % {
                "file": report.file_name,
                "count": report.feature_count,
                "crs": report.crs,
            }
        )
        for note in report.notes:
            out.write(f"  {note}")
        if report.rejections:
            out.write(
                _("Rejected: %(count)d parcels.") % {"count": report.rejected_features}
            )
            for r in report.rejections:
                out.write(
                    "  "
                    + _(
                        "#%(feature)d sheet %(sheet)s parcel %(parcel)s — %(field)s:"
                        " %(reason)s"
                    )
                    % r.as_dict()
                )
        if report.committed:
            out.write(
                self.style.SUCCESS(
                    _(
                        "Imported %(parcels)d parcels, %(map_sheets)d new map sheets,"
                        " %(land_users)d new land users, %(certificates)d certificates."
                    )
                    % report.created
                )
            )
