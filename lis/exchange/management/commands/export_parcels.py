"""`lis export-parcels`: write a selection of parcels to a file."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from lis.admin_units.models import UnitCatalogue
from lis.core.errors import DomainError
from lis.exchange.export import (
    SUFFIXES,
    ExportResult,
    ParcelSelection,
    export_parcels,
)

MAX_AREA_FILE_BYTES = 1_000_000


class ConsoleProgress:
    """One progress bar on the console (standard error) while rows are written."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=total, desc=str(_("writing")), unit="")
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _area_text(value: str | None) -> str | None:
    """The area as typed, or the content of @FILE."""
    if value is None or not value.startswith("@"):
        return value
    path = Path(value[1:])
    try:
        if path.stat().st_size > MAX_AREA_FILE_BYTES:
            raise CommandError(_("%(path)s is too large for an area.") % {"path": path})
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CommandError(
            _("The area file %(path)s cannot be read: %(reason)s")
            % {"path": path, "reason": getattr(err, "strerror", None) or err}
        ) from err


def _area_m2(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation as err:
        raise CommandError(
            _("%(value)s is not an area in m².") % {"value": value}
        ) from err


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Export parcels to GeoPackage, Shapefile, GeoJSON, DXF, CSV or XLSX.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", required=True, type=Path, help=_("file to write")
        )
        parser.add_argument(
            "--format",
            choices=list(SUFFIXES),
            help=_("file format (default: from the output's suffix)"),
        )
        parser.add_argument("--commune", help=_("commune code (5 digits)"))
        parser.add_argument(
            "--unit-catalogue",
            choices=UnitCatalogue.values,
            help=_(
                "catalogue of the commune code: 2004 selects parcels surveyed"
                " there, 2025 parcels lying there now"
            ),
        )
        parser.add_argument("--sheet", type=int, help=_("map sheet number"))
        parser.add_argument(
            "--area",
            help=_("a polygon as WKT or GeoJSON, or @FILE holding one"),
        )
        parser.add_argument(
            "--area-crs",
            type=int,
            help=_(
                "EPSG code of the area's coordinates (default: GeoJSON's own or"
                " WGS84; WKT in degrees WGS84, in metres VN-2000)"
            ),
        )
        parser.add_argument(
            "--land-use", help=_("land-use codes, comma-separated, e.g. CLN,ONT")
        )
        parser.add_argument("--min-area", help=_("smallest legal area, m²"))
        parser.add_argument("--max-area", help=_("largest legal area, m²"))
        parser.add_argument(
            "--crs",
            type=int,
            help=_("GeoJSON only: 4326 (RFC 7946, default) or 9212 (VN-2000)"),
        )
        parser.add_argument(
            "--user",
            help=_(
                "account the export is made for: land users' personal data is"
                " written only if it may read it (default: none)"
            ),
        )

    def handle(self, *args, **options) -> None:
        selection = self._selection(options)
        user = self._user(options["user"])
        progress = ConsoleProgress(enabled=options["verbosity"] > 0)
        try:
            result = export_parcels(
                selection,
                options["output"],
                fmt=options["format"],
                crs_srid=options["crs"],
                acting_user=user,
                progress=progress,
            )
        except DomainError as err:
            raise CommandError(str(err.message)) from err
        finally:
            progress.close()
        self._print(result)

    @staticmethod
    def _selection(options: dict) -> ParcelSelection:
        land_uses = tuple(
            code.strip()
            for code in (options["land_use"] or "").split(",")
            if code.strip()
        )
        return ParcelSelection(
            commune_code=options["commune"],
            unit_catalogue=options["unit_catalogue"],
            sheet=options["sheet"],
            area=_area_text(options["area"]),
            area_srid=options["area_crs"],
            land_uses=land_uses,
            min_legal_area=_area_m2(options["min_area"]),
            max_legal_area=_area_m2(options["max_area"]),
        )

    @staticmethod
    def _user(username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as err:
            raise CommandError(_("No account %(name)s.") % {"name": username}) from err

    def _print(self, result: ExportResult) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Exported %(count)d parcel as %(format)s.",
                    "Exported %(count)d parcels as %(format)s.",
                    result.count,
                )
                % {"count": result.count, "format": result.format}
            )
        )
        for path in result.files:
            self.stdout.write(f"  {path}")
        if not result.personal:
            self.stdout.write(_("Land users' personal data was not written."))
        for note in result.notes:
            self.stdout.write(f"  {note}")
