"""`lis import-parcels FILE`: import a cadastral map file from the console."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from lis.admin_units.models import UnitCatalogue
from lis.core.errors import DomainError
from lis.exchange.jobs import PHASE_LABELS
from lis.exchange.parcel_import.fields import parse_overrides
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    ImportReport,
    import_parcel_file,
)
from lis.reference.models import LandUseCatalogue


class ConsoleProgress:
    """A progress bar per phase on the console (standard error)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None
        self.phase: str | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = tqdm(
                total=total, desc=str(PHASE_LABELS.get(phase, phase)), unit=""
            )
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Import parcels from a map file: Shapefile, GeoPackage, GeoJSON, KML,"
            " a coordinate table (CSV/XLSX) or a drawing (DXF/DGN)."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--layer",
            help=_(
                "layer to read (if the file has several); for a drawing, the CAD"
                " layer(s) or DGN level(s) of the parcels, comma-separated"
            ),
        )
        parser.add_argument(
            "--commune",
            help=_("commune code of every feature, for a file without one (drawings)"),
        )
        parser.add_argument(
            "--sheet",
            type=int,
            help=_("map sheet number of every feature, for a file without one"),
        )
        parser.add_argument(
            "--text-layer",
            help=_(
                "CAD layer(s) or DGN level(s) of the parcel labels, comma-separated"
            ),
        )
        parser.add_argument(
            "--srid",
            type=int,
            help=_("EPSG code of the file's coordinates, if it declares none"),
        )
        parser.add_argument(
            "--unit-catalogue",
            choices=UnitCatalogue.values,
            help=_("catalogue of the commune codes: 2004 (until 30/06/2025) or 2025"),
        )
        parser.add_argument(
            "--land-use-catalogue",
            choices=LandUseCatalogue.values,
            default=LandUseCatalogue.TT08_2024,
            help=_("code list of the land-use codes (default TT08/2024)"),
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help=_("import the valid features and report the others"),
        )
        parser.add_argument(
            "--field",
            action="append",
            default=[],
            metavar="NAME=FIELD",
            help=_("name the file's field for a fact, e.g. commune=MA_XA"),
        )
        parser.add_argument("--encoding", help=_("text encoding of the attributes"))
        parser.add_argument("--user", help=_("account recorded as the importer"))

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        progress = ConsoleProgress(enabled=options["verbosity"] > 0)
        try:
            report = import_parcel_file(
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
                _("%(count)d features were rejected.")
                % {"count": report.rejected_features}
            )

    def _options(self, options: dict) -> ImportOptions:
        try:
            overrides = parse_overrides(options["field"])
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        return ImportOptions(
            layer=options["layer"],
            srid=options["srid"],
            unit_catalogue=options["unit_catalogue"],
            land_use_catalogue=options["land_use_catalogue"],
            mode=ImportMode.VALID_ONLY
            if options["valid_only"]
            else ImportMode.ALL_OR_NOTHING,
            field_overrides=overrides,
            encoding=options["encoding"],
            commune=options["commune"],
            sheet=options["sheet"],
            text_layer=options["text_layer"],
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
            _("File %(file)s, layer %(layer)s: %(count)d features in %(crs)s.")
            % {
                "file": report.file_name,
                "layer": report.layer,
                "count": report.feature_count,
                "crs": report.crs,
            }
        )
        for note in report.notes:
            out.write(f"  {note}")
        if report.rejections:
            out.write(
                _("Rejected: %(count)d features.") % {"count": report.rejected_features}
            )
            for r in report.rejections:
                out.write(
                    "  "
                    + _(
                        "#%(feature)d sheet %(sheet)s parcel %(parcel)s — %(field)s: %(reason)s"
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
