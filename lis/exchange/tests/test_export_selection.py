"""Which parcels an export holds: commune (old or new units), sheet, drawn
area, land use and legal area, AND-ed (issue #3)."""

import json
from decimal import Decimal

import pytest
import shapely

from lis.admin_units.errors import AmbiguousUnitCodeError, UnknownUnitCodeError
from lis.core import crs
from lis.exchange.export import (
    EmptySelectionError,
    ExportRefusedError,
    ParcelSelection,
    export_parcels,
    select_parcels,
)
from lis.exchange.tests.fixtures.export_data import load_cadastre
from lis.exchange.tests.fixtures.parcel_files import ORIGIN, bow_tie

pytestmark = pytest.mark.django_db

X0, Y0 = ORIGIN


def _keys(selection: ParcelSelection) -> list[str]:
    return [p.legacy_key for p in select_parcels(selection).order_by("pk")]


@pytest.fixture
def cadastre(tmp_path, reference_data):
    load_cadastre(tmp_path)


def test_empty_selection_holds_every_parcel(cadastre):
    keys = _keys(ParcelSelection())

    assert keys == [
        "25198/1/1", "25198/1/2", "25198/1/3", "25198/2/1", "25198/2/2",
        "25201/1/1", "25207/5/7",
    ]  # fmt: skip


def test_old_commune_selects_the_parcels_surveyed_there(cadastre):
    keys = _keys(ParcelSelection(commune_code="25201", unit_catalogue="2004"))

    assert keys == ["25201/1/1"]


def test_new_commune_selects_the_parcels_lying_there_now(cadastre):
    keys = _keys(ParcelSelection(commune_code="25195", unit_catalogue="2025"))

    assert keys == [
        "25198/1/1", "25198/1/2", "25198/1/3", "25198/2/1", "25198/2/2",
        "25201/1/1",
    ]  # fmt: skip


def test_code_of_one_catalogue_needs_no_catalogue(cadastre):
    keys = _keys(ParcelSelection(commune_code="25207"))

    assert keys == ["25207/5/7"]


def test_code_meaning_two_communes_needs_its_catalogue(cadastre):
    with pytest.raises(AmbiguousUnitCodeError) as refused:
        select_parcels(ParcelSelection(commune_code="25195"))

    assert str(refused.value.message) == (
        "The code 25195 names Phường Tân Phú until 30/06/2025 (catalogue 2004)"
        " and Phường Bình Phước from 01/07/2025 (catalogue 2025). Name the"
        " catalogue."
    )


def test_unknown_commune_is_refused(cadastre):
    with pytest.raises(UnknownUnitCodeError) as refused:
        select_parcels(ParcelSelection(commune_code="99999"))

    assert str(refused.value.message) == "No commune has the code 99999."


def test_map_sheet_selects_its_parcels(cadastre):
    keys = _keys(ParcelSelection(commune_code="25198", sheet=2))

    assert keys == ["25198/2/1", "25198/2/2"]


def test_map_sheet_without_commune_is_refused(cadastre):
    with pytest.raises(ExportRefusedError) as refused:
        select_parcels(ParcelSelection(sheet=2))

    assert str(refused.value.message) == (
        "A map sheet number needs its commune: name the commune code."
    )


def test_area_in_wgs84_wkt_selects_the_parcels_it_meets(cadastre):
    drawn = shapely.box(X0 + 1, Y0 + 1, X0 + 39, Y0 + 24)
    lon_lat = crs.to_wgs84(drawn)

    keys = _keys(ParcelSelection(area=shapely.to_wkt(lon_lat, rounding_precision=9)))

    assert keys == ["25198/1/1", "25198/1/2"]


def test_area_in_vn2000_geojson_names_its_crs(cadastre):
    drawn = shapely.box(X0 + 1, Y0 + 26, X0 + 5, Y0 + 30)
    text = json.dumps(
        {
            "type": "Feature",
            "crs": {"type": "name", "properties": {"name": "EPSG:9212"}},
            "geometry": json.loads(shapely.to_geojson(drawn)),
            "properties": {},
        }
    )

    keys = _keys(ParcelSelection(area=text))

    assert keys == ["25198/2/1"]


def test_area_sharing_only_edges_with_neighbours_selects_one_parcel(cadastre):
    exactly = shapely.box(X0 + 20, Y0, X0 + 40, Y0 + 25)

    keys = _keys(ParcelSelection(area=f"SRID=9212;{exactly.wkt}"))

    assert keys == ["25198/1/2"]


def test_area_in_metres_without_srid_is_read_as_vn2000(cadastre):
    keys = _keys(ParcelSelection(area=shapely.box(X0 + 1, Y0 + 1, X0 + 2, Y0 + 2).wkt))

    assert keys == ["25198/1/1"]


@pytest.mark.parametrize(
    ("area", "message"),
    [
        (
            bow_tie(0).wkt,
            "The area is not a valid polygon: Self-intersection[568910 1275712.5]",
        ),
        ("POINT (106.9 11.5)", "The area must be a polygon, not Point."),
        (
            "POLYGON ((1 2",
            "The area is not a WKT polygon: ParseException: Expected word but encountered end of stream",
        ),
        ("   ", "The area is empty."),
        ('{"type": "Polygon", "coordinates": 5}', None),
    ],
)
def test_area_that_is_not_a_polygon_is_refused(cadastre, area, message):
    with pytest.raises(ExportRefusedError) as refused:
        select_parcels(ParcelSelection(area=area))

    if message is not None:
        assert str(refused.value.message) == message
    else:
        assert str(refused.value.message).startswith(
            "The area is not a GeoJSON polygon:"
        )


def test_land_use_and_legal_area_are_anded(cadastre):
    keys = _keys(
        ParcelSelection(land_uses=("ont", "DGT"), min_legal_area=Decimal("500.1"))
    )

    assert keys == ["25198/1/2"]


def test_legal_area_range(cadastre):
    keys = _keys(
        ParcelSelection(min_legal_area=Decimal(480), max_legal_area=Decimal("490.2"))
    )

    assert keys == ["25198/2/1", "25201/1/1"]


def test_commune_and_land_use_are_anded(cadastre):
    keys = _keys(ParcelSelection(commune_code="25198", land_uses=("CLN",)))

    assert keys == ["25198/1/1", "25198/2/2"]


def test_unknown_land_use_code_is_refused(cadastre):
    with pytest.raises(ExportRefusedError) as refused:
        select_parcels(ParcelSelection(land_uses=("CLN", "XYZ", "ABC")))

    assert str(refused.value.message) == "Unknown land-use codes: ABC, XYZ."


def test_inverted_legal_area_range_is_refused(cadastre):
    with pytest.raises(ExportRefusedError) as refused:
        select_parcels(
            ParcelSelection(min_legal_area=Decimal(500), max_legal_area=Decimal(10))
        )

    assert str(refused.value.message) == (
        "The smallest legal area (500 m²) exceeds the largest (10 m²)."
    )


def test_empty_selection_result_is_refused_and_writes_nothing(cadastre, tmp_path):
    path = tmp_path / "none.gpkg"

    with pytest.raises(EmptySelectionError) as refused:
        export_parcels(
            ParcelSelection(commune_code="25201", sheet=9), path, acting_user=None
        )

    assert str(refused.value.message) == "No parcel matches the selection."
    assert not path.exists()
