"""The web form of a parcel export: format and selection."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lis.admin_units.models import UnitCatalogue
from lis.core.crs import WGS84_SRID
from lis.exchange.export.selection import ParcelSelection
from lis.exchange.export.service import ExportFormat

MAX_AREA_CHARACTERS = 1_000_000


class ParcelExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.GEOPACKAGE
    )
    crs = forms.TypedChoiceField(
        label=_("GeoJSON coordinates"),
        coerce=int,
        required=False,
        help_text=_("Every other format is written in VN-2000."),
    )
    commune = forms.RegexField(
        label=_("Commune code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("A commune code has 5 digits.")},
    )
    unit_catalogue = forms.ChoiceField(
        label=_("Catalogue of the commune code"),
        choices=[("", _("where the code exists"))] + UnitCatalogue.choices,
        required=False,
        help_text=_(
            "Until 30/06/2025: the parcels surveyed in the commune. From"
            " 01/07/2025: the parcels lying in it now."
        ),
    )
    sheet = forms.IntegerField(label=_("Map sheet number"), min_value=1, required=False)
    land_uses = forms.CharField(
        label=_("Land-use codes"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. CLN, ONT."),
    )
    min_area = forms.DecimalField(
        label=_("Smallest legal area (m²)"), min_value=0, required=False
    )
    max_area = forms.DecimalField(
        label=_("Largest legal area (m²)"), min_value=0, required=False
    )
    area = forms.CharField(
        label=_("Drawn area"),
        required=False,
        max_length=MAX_AREA_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "POLYGON ((…))"}),
        help_text=_(
            "A polygon as WKT or GeoJSON: longitude/latitude (WGS84) or"
            " VN-2000 metres. Parcels that overlap it (not only touch it) are"
            " exported."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        storage = settings.LIS_STORAGE_SRID
        self.fields["crs"].choices = [
            (WGS84_SRID, _("WGS84 longitude/latitude (RFC 7946)")),
            (storage, _("VN-2000 (EPSG:%(srid)s)") % {"srid": storage}),
        ]
        self.fields["crs"].initial = WGS84_SRID

    def clean_land_uses(self) -> tuple[str, ...]:
        raw = self.cleaned_data["land_uses"].replace(";", ",")
        return tuple(code.strip() for code in raw.split(",") if code.strip())

    def selection(self) -> ParcelSelection:
        data = self.cleaned_data
        return ParcelSelection(
            commune_code=data["commune"] or None,
            unit_catalogue=data["unit_catalogue"] or None,
            sheet=data["sheet"],
            area=data["area"].strip() or None,
            land_uses=data["land_uses"],
            min_legal_area=data["min_area"],
            max_legal_area=data["max_area"],
        )

    def crs_srid(self) -> int | None:
        if self.cleaned_data["format"] != ExportFormat.GEOJSON:
            return None
        return self.cleaned_data["crs"] or WGS84_SRID
