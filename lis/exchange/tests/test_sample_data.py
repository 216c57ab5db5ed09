"""`lis sample-data`: the synthetic cadastral map of former Bình Phước.

Files are read back through the system GDAL (GeoDjango), as the importer
reads them. Coordinates are EPSG:9212 metres; areas are m².
"""

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.contrib.gis.gdal import DataSource
from django.core.management import CommandError, call_command

from lis.exchange.sample_data import (
    FIELDS,
    LAYER,
    field_names,
    generate,
    write_sample,
)

SEED = 2025
DATA = Path(__file__).resolve().parents[2]
UNITS_CSV = DATA / "admin_units" / "data" / "admin_units_binh_phuoc.csv"
LAND_USE_CSV = DATA / "reference" / "data" / "land_use_types.csv"
PUBLIC_LAND = {"DGT", "DTL", "SON", "DGD", "DYT", "NTD", "TIN", "TSC"}
RESIDENTIAL = {"ONT", "ODT"}
CCCD_PROVINCES = {
    "070", "038", "040", "079", "034", "036", "042", "052", "051", "001",
    "004", "020", "074", "075",
}  # fmt: skip
SERIAL = re.compile(r"^[ABCD][ABCDĐEGHIKLMNOPQRSTUVXY] \d{6}$")
REGISTER = re.compile(r"^(CH\d{5,}|CS \d{5,}|CT\d{5,})$")
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def read_file(path: Path) -> dict:
    """Read a written sample: fields by name, shapely geometries, SRID, layer."""
    layer = DataSource(str(path))[0]
    columns = {name: [] for name in layer.fields}
    wkb = []
    for feature in layer:
        for name in layer.fields:
            columns[name].append(feature.get(name))
        wkb.append(bytes(feature.geom.wkb))
    return {
        "columns": columns,
        "geometry": shapely.from_wkb(wkb),
        "srid": layer.srs.srid,
        "layer": layer.name,
        "fields": list(layer.fields),
    }


def write_and_read(tmp: Path, parcels: int, seed: int = SEED, fmt: str = "gpkg"):
    sample = generate(parcels, seed)
    path = tmp / f"sample-{parcels}-{seed}.{fmt}"
    write_sample(sample, path, fmt)
    return sample, read_file(path)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return write_and_read(tmp_path_factory.mktemp("sample"), 1000)


@pytest.fixture(scope="module")
def sample(written):
    return written[0]


@pytest.fixture(scope="module")
def parcels(written):
    return written[1]


@pytest.fixture(scope="module")
def columns(parcels):
    return {
        name: np.array(values, dtype=object)
        for name, values in parcels["columns"].items()
    }


def _people(columns) -> list[tuple[str, str, int]]:
    """Every (CCCD, name, birth year) on the file, owners and spouses."""
    people = []
    for suffix in ("", "2"):
        for number, name, year, kind in zip(
            columns["soGiayTo" + suffix],
            columns["tenChu" + suffix],
            columns["namSinh" + suffix],
            columns["doiTuong"],
        ):
            if kind == "CNV" and number:
                people.append((number, name, year))
    return people


# Determinism and counts ------------------------------------------------------


def test_same_seed_writes_identical_attributes_and_geometries(parcels, tmp_path):
    _, again = write_and_read(tmp_path, 1000, SEED)

    assert again["columns"] == parcels["columns"]
    assert (
        shapely.to_wkb(again["geometry"]).tolist()
        == shapely.to_wkb(parcels["geometry"]).tolist()
    )


def test_another_seed_writes_another_map(parcels, tmp_path):
    _, other = write_and_read(tmp_path, 1000, SEED + 1)

    assert other["columns"]["tenChu"] != parcels["columns"]["tenChu"]
    assert not shapely.equals_exact(other["geometry"], parcels["geometry"], 0).all()


def test_file_has_exactly_the_parcels_asked_for(parcels, tmp_path):
    _, small = write_and_read(tmp_path, 100)

    assert len(parcels["geometry"]) == 1000
    assert len(small["geometry"]) == 100


def test_small_sample_still_covers_three_communes_on_several_sheets(tmp_path):
    sample = generate(100, SEED)

    sheets = Counter(sheet.commune for sheet in sample.sheets)

    assert sorted(sheets) == ["25195", "25297", "25411"]
    assert all(count >= 2 for count in sheets.values())


def test_generate_refuses_counts_outside_the_range():
    with pytest.raises(ValueError, match="between 100 and 1,000,000"):
        generate(99)
    with pytest.raises(ValueError, match="between 100 and 1,000,000"):
        generate(1_000_001)


# Geometry --------------------------------------------------------------------


def test_file_crs_is_vn2000_tm3_binh_phuoc(parcels):
    assert parcels["srid"] == 9212
    assert parcels["layer"] == LAYER


def test_parcels_tile_each_map_sheet_exactly(sample, columns, parcels):
    geometry = parcels["geometry"]
    keys = list(zip(columns["maDVHCXa"], columns["soHieuToBanDo"]))

    by_sheet = defaultdict(list)
    for index, key in enumerate(keys):
        by_sheet[key].append(index)

    assert sorted(by_sheet) == sorted((s.commune, s.number) for s in sample.sheets)
    for sheet in sample.sheets:
        box = shapely.box(*sheet.bounds)
        mine = geometry[by_sheet[(sheet.commune, sheet.number)]]
        assert shapely.area(mine).sum() == pytest.approx(box.area, abs=0.01)
        assert shapely.symmetric_difference(shapely.union_all(mine), box).area < 1e-6
        tree = shapely.STRtree(mine)
        left, right = tree.query(mine, predicate="intersects")
        pairs = left < right
        overlap = shapely.area(
            shapely.intersection(mine[left[pairs]], mine[right[pairs]])
        )
        assert overlap.max(initial=0.0) <= 1e-6


def test_every_parcel_is_one_valid_polygon(parcels):
    geometry = parcels["geometry"]

    assert shapely.is_valid(geometry).all()
    assert set(shapely.get_type_id(geometry)) == {6}
    assert set(shapely.get_num_geometries(geometry)) == {1}


def test_vertices_are_whole_millimetres(parcels):
    coords = shapely.get_coordinates(parcels["geometry"]) * 1000

    assert np.abs(coords - np.rint(coords)).max() < 1e-4


def test_neighbouring_parcels_share_every_vertex(parcels):
    geometry = parcels["geometry"]
    coords, owner = shapely.get_coordinates(geometry, return_index=True)
    own = set(zip(owner.tolist(), map(tuple, coords.tolist())))
    points = shapely.points(np.unique(coords, axis=0))

    on_boundary, parcel = shapely.STRtree(shapely.boundary(geometry)).query(
        points, predicate="intersects"
    )

    touching = zip(
        parcel.tolist(),
        map(tuple, shapely.get_coordinates(points[on_boundary]).tolist()),
    )
    assert all(pair in own for pair in touching)


def test_sheet_scale_follows_the_kind_of_commune(columns):
    scales = defaultdict(set)
    for address, scale in zip(columns["diaChi"], columns["tyLe"]):
        scales[address.split(", ")[1].split(" ")[0]].add(scale)

    assert scales == {"Phường": {1000}, "Thị": {1000}, "Xã": {2000, 5000}}


def test_forest_sheets_hold_mostly_production_forest(columns):
    forest = columns["tyLe"] == 5000

    share = np.mean(columns["loaiDat"][forest] == "RSX")

    assert share >= 0.85


# Keys and numbering ----------------------------------------------------------


def test_parcel_keys_are_unique_and_numbered_from_one(columns):
    keys = list(
        zip(columns["maDVHCXa"], columns["soHieuToBanDo"], columns["soThuTuThua"])
    )
    numbers = defaultdict(list)
    for commune, sheet, parcel in keys:
        numbers[(commune, sheet)].append(parcel)
    sheets = defaultdict(set)
    for commune, sheet in numbers:
        sheets[commune].add(sheet)

    assert len(set(keys)) == len(keys)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in sheets.values())


def test_parcels_are_numbered_left_to_right_then_top_to_bottom(columns, parcels):
    bounds = shapely.bounds(parcels["geometry"])
    order = defaultdict(list)
    for index, key in enumerate(zip(columns["maDVHCXa"], columns["soHieuToBanDo"])):
        order[key].append(
            (columns["soThuTuThua"][index], -bounds[index, 3], bounds[index, 0])
        )

    for rows in order.values():
        by_number = [(top, left) for _, top, left in sorted(rows)]
        assert by_number == sorted(by_number)


# Communes, land use, areas ---------------------------------------------------


def test_communes_are_real_units_of_the_catalogue_before_2025(columns):
    with UNITS_CSV.open(encoding="utf-8") as source:
        names = {
            row["old_code"]: row["old_name"]
            for row in csv.DictReader(source)
            if row["level"] == "commune"
        }

    written = {
        (code, address.split(", ", 1)[1])
        for code, address in zip(columns["maDVHCXa"], columns["diaChi"])
    }

    assert written == {
        ("25195", "Phường Tân Phú"),
        ("25297", "Xã Lộc Thái"),
        ("25411", "Xã Đoàn Kết"),
        ("25363", "Thị trấn Tân Phú"),
        ("25381", "Xã Tân Lập"),
        ("25249", "Xã Phước Tín"),
    }
    assert all(names[code] == name for code, name in written)


def test_addresses_name_a_numbered_hamlet_of_the_commune(columns):
    pattern = re.compile(r"^(Ấp|Thôn|Khu phố) \d{1,2}, (Phường|Thị trấn|Xã) .+$")

    assert all(pattern.match(address) for address in columns["diaChi"])
    assert {a.split(" ")[0] for a in columns["diaChi"] if "Đoàn Kết" in a} == {"Thôn"}


def test_land_use_codes_are_tt08_2024_codes(columns):
    with LAND_USE_CSV.open(encoding="utf-8") as source:
        codes = {
            row["code"]
            for row in csv.DictReader(source)
            if row["catalogue"] == "TT08/2024"
        }

    assert set(columns["loaiDat"]) <= codes


def test_land_use_shares_are_those_of_the_province(columns, parcels):
    land_use = columns["loaiDat"]
    area = shapely.area(parcels["geometry"])

    def share(codes: set[str]) -> float:
        return float(np.isin(land_use, list(codes)).mean())

    assert 0.40 <= share({"CLN"}) <= 0.50
    assert 0.20 <= share(RESIDENTIAL) <= 0.25
    assert 0.08 <= share({"RSX"}) <= 0.12
    assert 0.05 <= share({"HNK"}) <= 0.08
    assert area[np.isin(land_use, ["CLN", "RSX"])].sum() / area.sum() >= 0.8
    assert {"LUC", "LUK", "SON", "DGT", "DGD", "DYT", "NTD"} <= set(land_use)


def test_parcel_sizes_are_plausible(columns, parcels):
    area = shapely.area(parcels["geometry"])
    land_use = columns["loaiDat"]
    residential = area[np.isin(land_use, list(RESIDENTIAL))]

    assert 100 <= np.median(residential) <= 400
    assert np.mean((residential >= 100) & (residential <= 400)) >= 0.9
    assert residential.min() >= 100
    assert area[land_use == "CLN"].min() >= 2000
    assert area[land_use == "CLN"].max() <= 30000
    assert area[land_use == "RSX"].min() >= 10000
    # Forest parcels are drawn up to 100,000 m²; mm rounding may add a little.
    assert area[land_use == "RSX"].max() <= 100_100


def test_legal_area_is_close_to_but_not_the_drawn_area(columns, parcels):
    legal = columns["dienTich"].astype(float)
    drawn = shapely.area(parcels["geometry"])

    assert np.all(np.abs(legal - drawn) <= 0.005 * drawn)
    assert not np.any(legal == np.round(drawn, 1))
    assert np.all(legal == np.round(legal, 1))


# Owners and certificates -----------------------------------------------------


def test_public_land_has_no_owner_and_no_certificate(columns):
    public = columns["doiTuong"] == "TCQ"

    assert set(columns["loaiDat"][public]) <= PUBLIC_LAND
    assert set(columns["loaiDat"][~public]).isdisjoint(PUBLIC_LAND)
    for name in (
        "tenChu",
        "soGiayTo",
        "tenChu2",
        "soGiayTo2",
        "soPhatHanh",
        "soVaoSo",
        "ngayCap",
    ):
        assert set(columns[name][public]) == {""}
    assert set(columns["namSinh"][public]) == {None}


def test_cccd_numbers_are_well_formed_and_match_the_birth_year(columns):
    for number, _, year in _people(columns):
        century = {0, 1} if year < 2000 else {2, 3}
        assert re.fullmatch(r"\d{12}", number)
        assert number[:3] in CCCD_PROVINCES
        assert int(number[3]) in century
        assert number[4:6] == f"{year % 100:02d}"


def test_a_person_has_one_cccd_name_and_birth_year_everywhere(columns):
    seen = defaultdict(set)
    for number, name, year in _people(columns):
        seen[number].add((name, year))

    assert all(len(identities) == 1 for identities in seen.values())


def test_about_a_fifth_of_owners_hold_several_parcels(columns):
    individual = columns["doiTuong"] == "CNV"
    holdings = Counter(columns["soGiayTo"][individual])

    share = np.mean([count >= 2 for count in holdings.values()])

    assert 0.15 <= share <= 0.25


def test_about_a_quarter_of_individual_parcels_name_a_spouse(columns):
    individual = columns["doiTuong"] == "CNV"

    share = np.mean(columns["tenChu2"][individual] != "")

    assert 0.18 <= share <= 0.32
    assert set(columns["namSinh2"][columns["tenChu2"] == ""]) == {None}


def test_companies_hold_large_farms_or_businesses_under_a_valid_tax_code(columns):
    company = columns["doiTuong"] == "TKT"

    assert company.any()
    assert set(columns["loaiDat"][company]) <= {"CLN", "RSX", "SKC", "TMD"}
    assert set(columns["namSinh"][company]) == {None}
    for code in columns["soGiayTo"][company]:
        check = 10 - sum(w * int(d) for w, d in zip(TAX_WEIGHTS, code)) % 11
        assert re.fullmatch(r"38\d{8}", code)
        assert code[9] == str(check)


def test_certificate_serials_are_unique_and_well_formed(columns):
    private = columns["doiTuong"] != "TCQ"
    serials = columns["soPhatHanh"][private]
    issued = serials[serials != ""]

    assert all(SERIAL.match(serial) for serial in issued)
    assert len(set(issued)) == len(issued)
    assert 0.05 <= np.mean(serials == "") <= 0.15


def test_serial_letter_follows_the_issue_period(columns):
    periods = {
        "A": (2005, 2009),
        "B": (2010, 2014),
        "C": (2015, 2019),
        "D": (2020, 2024),
    }

    for serial, date in zip(columns["soPhatHanh"], columns["ngayCap"]):
        if serial:
            low, high = periods[serial[0]]
            assert low <= int(date[:4]) <= high


def test_register_numbers_are_unique_per_commune(columns):
    registers = [
        (commune, register)
        for commune, register in zip(columns["maDVHCXa"], columns["soVaoSo"])
        if register
    ]

    assert all(REGISTER.match(register) for _, register in registers)
    assert len(set(registers)) == len(registers)


def test_issue_dates_fall_in_2005_2024_after_the_owner_came_of_age(columns):
    for date, year, kind in zip(
        columns["ngayCap"], columns["namSinh"], columns["doiTuong"]
    ):
        if date:
            assert re.fullmatch(r"(200[5-9]|201\d|202[0-4])-\d{2}-\d{2}", date)
            assert kind != "CNV" or int(date[:4]) >= year + 18


def test_text_is_nfc(columns):
    texts = [
        value
        for field in FIELDS
        if field.kind == "text"
        for value in columns[field.name]
    ]

    assert all(unicodedata.normalize("NFC", text) == text for text in texts)


# Formats and the command -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["shp", "geojson"])
def test_other_formats_read_back_with_the_same_parcels_and_crs(fmt, tmp_path):
    path = tmp_path / f"mau.{fmt}"

    call_command("sample_data", parcels=100, output=path, file_format=fmt, verbosity=0)

    written = read_file(path)
    assert len(written["geometry"]) == 100
    assert written["srid"] == 9212
    assert written["fields"] == field_names(fmt)


def test_shapefile_uses_short_field_names():
    assert field_names("shp") == [
        "MaXa", "SHBANDO", "SHTHUA", "LoaiDat", "DienTich", "DiaChi", "TyLe",
        "TenChu", "NamSinh", "SoGiayTo", "DoiTuong", "TenChu2", "NamSinh2",
        "SoGiayTo2", "SoPhatHanh", "SoVaoSo", "NgayCap",
    ]  # fmt: skip


def test_command_writes_the_default_file_and_one_summary_line(
    settings, tmp_path, capsys
):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "sample" / "binh-phuoc-mau.gpkg"

    call_command("sample_data", parcels=100)

    assert capsys.readouterr().out == (
        f"Wrote 100 parcels on 8 map sheets in 3 communes to {path} "
        "(gpkg, EPSG:9212, seed 2025).\n"
    )
    assert len(read_file(path)["geometry"]) == 100


@pytest.mark.parametrize("count", [99, 1_000_001])
def test_command_refuses_a_count_outside_the_range(count, tmp_path):
    path = tmp_path / "mau.gpkg"

    with pytest.raises(CommandError, match="between 100 and 1,000,000"):
        call_command("sample_data", parcels=count, output=path)

    assert not path.exists()


def test_command_refuses_a_suffix_that_contradicts_the_format(tmp_path):
    path = tmp_path / "mau.gpkg"

    with pytest.raises(CommandError, match="must end in .shp"):
        call_command("sample_data", parcels=100, output=path, file_format="shp")

    assert not path.exists()
