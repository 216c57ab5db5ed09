from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lis.admin_units.models import UnitCatalogue
from lis.core.errors import DomainError
from lis.exchange.parcel_import.fields import parse_overrides
from lis.exchange.parcel_import.service import ImportMode, ImportOptions
from lis.reference.models import LandUseCatalogue

ACCEPTED_SUFFIXES = (
    ".gpkg",
    ".geojson",
    ".json",
    ".zip",
    ".kml",
    ".kmz",
    ".csv",
    ".xlsx",
    ".dxf",
    ".dgn",
)
TEXT_ENCODINGS = [
    ("auto", _("automatic")),
    ("utf-8", "Unicode (UTF-8)"),
    ("cp1258", "Windows-1258"),
    ("tcvn3", "TCVN3 (ABC)"),
    ("vni", "VNI Windows"),
]


class ParcelImportForm(forms.Form):
    file = forms.FileField(
        label=_("Cadastral map file"),
        help_text=_(
            "GeoPackage (.gpkg), GeoJSON (.geojson), a zipped Shapefile (.zip),"
            " KML/KMZ, a coordinate table (.csv, .xlsx) or a drawing (.dxf, DGN v7)."
        ),
    )
    unit_catalogue = forms.ChoiceField(
        label=_("Catalogue of the commune codes"),
        choices=[("", _("where the code exists"))] + UnitCatalogue.choices,
        required=False,
    )
    land_use_catalogue = forms.ChoiceField(
        label=_("Land-use code list"),
        choices=LandUseCatalogue.choices,
        initial=LandUseCatalogue.TT08_2024,
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    srid = forms.IntegerField(
        label=_("EPSG code of the coordinates"),
        required=False,
        help_text=_(
            "Only if the file declares none, e.g. 9212 (VN-2000 / TM-3 106°15′)."
        ),
    )
    layer = forms.CharField(
        label=_("Layer"),
        required=False,
        max_length=200,
        help_text=_("For a drawing: the CAD layer(s) of the parcels, comma-separated."),
    )
    commune = forms.RegexField(
        label=_("Commune code"),
        regex=r"^\d{5}$",
        required=False,
        help_text=_("Only for a file without commune codes, such as a drawing."),
    )
    sheet = forms.IntegerField(
        label=_("Map sheet number"),
        required=False,
        min_value=1,
        max_value=99999,
        help_text=_("Only for a file without sheet numbers, such as a drawing."),
    )
    text_layer = forms.CharField(
        label=_("Layer of the parcel labels"),
        required=False,
        max_length=200,
        help_text=_("For a drawing: the CAD layer(s) of the parcel numbers."),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding"),
        choices=TEXT_ENCODINGS,
        initial="auto",
        required=False,
        help_text=_(
            "Automatic reads Unicode and recognises TCVN3 (ABC) and VNI text."
            " Name the encoding if names in the report look garbled."
        ),
    )
    fields = forms.CharField(
        label=_("Field names"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "commune=MA_XA\nsheet=SO_TO"}
        ),
        help_text=_(
            "One name=FIELD per line, where the file's names are not recognised."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(
                _(
                    "%(name)s is not a file the import reads (.gpkg, .geojson, .zip,"
                    " .kml, .kmz, .csv, .xlsx, .dxf, .dgn)."
                )
                % {"name": upload.name},
                code="file_type",
            )
        if upload.size > settings.LIS_IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."), code="file_size")
        return upload

    def clean_fields(self) -> dict[str, str]:
        lines = [
            ln.strip() for ln in self.cleaned_data["fields"].splitlines() if ln.strip()
        ]
        try:
            return parse_overrides(lines)
        except DomainError as err:
            raise forms.ValidationError(str(err.message), code=err.code) from err

    def import_options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            layer=data["layer"] or None,
            srid=data["srid"],
            unit_catalogue=data["unit_catalogue"] or None,
            land_use_catalogue=data["land_use_catalogue"],
            mode=data["mode"],
            field_overrides=data["fields"],
            # "auto" is the readers' default: other readers need not know it.
            encoding=None if data["encoding"] in ("", "auto") else data["encoding"],
            commune=data["commune"] or None,
            sheet=data["sheet"],
            text_layer=data["text_layer"] or None,
        )
