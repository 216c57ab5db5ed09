"""`lis import-register FILE`: import a land register (owners, rights,
certificates of parcels already in the cadastre) from the console."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lis.admin_units.models import UnitCatalogue
from lis.core.errors import DomainError
from lis.exchange.land_register.columns import parse_overrides
from lis.exchange.land_register.service import RegisterOptions, import_land_register
from lis.exchange.management.commands.import_parcels import ConsoleProgress
from lis.exchange.parcel_import.service import ImportMode, ImportReport


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Import the owners, rights and certificates of a land register (XLSX or"
            " CSV) for parcels already in the cadastre."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--worksheet", help=_("worksheet to read (if the workbook has several)")
        )
        parser.add_argument(
            "--commune",
            help=_("commune code of every row, for a register without that column"),
        )
        parser.add_argument(
            "--unit-catalogue",
            choices=UnitCatalogue.values,
            help=_("catalogue of the commune codes: 2004 (until 30/06/2025) or 2025"),
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help=_("import the parcels whose rows are valid and report the others"),
        )
        parser.add_argument(
            "--field",
            action="append",
            default=[],
            metavar="NAME=COLUMN",
            help=_("name the file's column for a fact, e.g. owner_name=HO_TEN"),
        )
        parser.add_argument("--encoding", help=_("text encoding of the attributes"))
        parser.add_argument("--user", help=_("account recorded as the importer"))

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        progress = ConsoleProgress(enabled=options["verbosity"] > 0)
        try:
            report = import_land_register(
                path,
                self._options(options),
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
                _("%(count)d rows were rejected.") % {"count": report.rejected_features}
            )

    def _options(self, options: dict) -> RegisterOptions:
        try:
            overrides = parse_overrides(options["field"])
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        return RegisterOptions(
            worksheet=options["worksheet"],
            commune=options["commune"],
            unit_catalogue=options["unit_catalogue"],
            mode=ImportMode.VALID_ONLY
            if options["valid_only"]
            else ImportMode.ALL_OR_NOTHING,
            field_overrides=overrides,
            encoding=options["encoding"],
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
            _("File %(file)s, sheet %(sheet)s: %(count)d rows.")
            % {
                "file": report.file_name,
                "sheet": report.layer,
                "count": report.feature_count,
            }
        )
        for note in report.notes:
            out.write(f"  {note}")
        if report.rejections:
            out.write(
                _("Rejected: %(count)d rows.") % {"count": report.rejected_features}
            )
            for r in report.rejections:
                out.write(
                    "  "
                    + _(
                        "row %(feature)d sheet %(sheet)s parcel %(parcel)s —"
                        " %(field)s: %(reason)s"
                    )
                    % r.as_dict()
                )
        if report.committed:
            out.write(
                self.style.SUCCESS(
                    _(
                        "Recorded %(rights)d rights on %(parcels)d parcels,"
                        " %(land_users)d new land users, %(certificates)d"
                        " certificates."
                    )
                    % report.created
                )
            )
