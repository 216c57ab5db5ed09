"""`lis export-parcels`: options, messages, exit codes, audit (issue #3)."""

import json

import pytest
import shapely
from django.contrib.gis.gdal import DataSource
from django.core.management import CommandError, call_command

from lis.core.models import AuditRecord
from lis.exchange.export import FIELDS
from lis.exchange.tests.fixtures.export_data import load_cadastre
from lis.exchange.tests.fixtures.parcel_files import ORIGIN

pytestmark = pytest.mark.django_db

REGISTER_NAMES = [f.name for f in FIELDS if not f.personal]
X0, Y0 = ORIGIN


@pytest.fixture
def cadastre(tmp_path, reference_data):
    load_cadastre(tmp_path)


def _fields(path) -> list[str]:
    return DataSource(str(path))[0].fields


def test_command_exports_a_commune_and_records_an_audit_entry(
    cadastre, tmp_path, capsys
):
    output = tmp_path / "xa.gpkg"

    call_command(
        "export_parcels", "--output", str(output), "--commune", "25198",
        "--unit-catalogue", "2004",
    )  # fmt: skip

    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "Exported 5 parcels as gpkg.",
        f"  {output}",
        "Land users' personal data was not written.",
    ]
    assert "writing" in err and "5/5" in err
    assert len(DataSource(str(output))[0]) == 5
    assert _fields(output) == REGISTER_NAMES
    record = AuditRecord.objects.get(action="parcels.export")
    assert record.actor is None
    assert record.details == {
        "count": 5,
        "format": "gpkg",
        "personal": False,
        "criteria": ["commune"],
    }


def test_command_writes_personal_data_for_an_account_that_may_read_it(
    cadastre, officer, tmp_path
):
    output = tmp_path / "xa.csv"

    call_command(
        "export_parcels", "--output", str(output), "--user", "canbo", verbosity=0
    )

    header = output.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[12:15] == ['"tenChu"', '"namSinh"', '"soGiayTo"']
    record = AuditRecord.objects.get(action="parcels.export")
    assert (record.actor, record.details["personal"]) == (officer, True)


def test_command_leaves_personal_data_out_for_a_reader(cadastre, reader, tmp_path):
    output = tmp_path / "xa.gpkg"

    call_command(
        "export_parcels", "--output", str(output), "--user", "tracuu", verbosity=0
    )

    assert _fields(output) == REGISTER_NAMES


def test_command_selects_by_sheet_land_use_and_area_file(cadastre, tmp_path):
    area = tmp_path / "vung.geojson"
    area.write_text(
        json.dumps(
            {
                "type": "Feature",
                "crs": {"type": "name", "properties": {"name": "EPSG:9212"}},
                "geometry": json.loads(
                    shapely.to_geojson(shapely.box(X0, Y0, X0 + 60, Y0 + 25))
                ),
                "properties": {},
            }
        )
    )
    output = tmp_path / "chon.geojson"

    call_command(
        "export_parcels", "--output", str(output), "--commune", "25198",
        "--sheet", "1", "--land-use", "CLN, DGT", "--area", f"@{area}",
        "--crs", "9212", verbosity=0,
    )  # fmt: skip

    numbers = [f.get("soThuTuThua") for f in DataSource(str(output))[0]]
    assert numbers == [1, 3]
    record = AuditRecord.objects.get(action="parcels.export")
    assert record.details["criteria"] == ["commune", "sheet", "area", "land_use"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--commune", "99999"], "No commune has the code 99999."),
        (
            ["--commune", "25201", "--sheet", "9"],
            "No parcel matches the selection.",
        ),
        (
            ["--sheet", "2"],
            "A map sheet number needs its commune: name the commune code.",
        ),
        (["--land-use", "XYZ"], "Unknown land-use codes: XYZ."),
        (["--user", "khong-co"], "No account khong-co."),
        (["--min-area", "nhiều"], "nhiều is not an area in m²."),
        (
            ["--area", "@khong-co.geojson"],
            "The area file khong-co.geojson cannot be read: No such file or directory",
        ),
        (
            ["--crs", "9212"],
            "A coordinate system can be chosen for GeoJSON only; gpkg files are written in EPSG:9212.",
        ),
    ],
)
def test_command_refuses_bad_options_with_a_clear_message(
    cadastre, tmp_path, arguments, message
):
    output = tmp_path / "x.gpkg"

    with pytest.raises(CommandError) as refused:
        call_command("export_parcels", "--output", str(output), *arguments, verbosity=0)

    assert str(refused.value) == message
    assert refused.value.returncode == 1
    assert not output.exists()
    assert not AuditRecord.objects.filter(action="parcels.export").exists()


def test_command_refuses_a_suffix_that_is_not_the_format(cadastre, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_parcels", "--output", str(tmp_path / "x.gpkg"), "--format", "csv",
            verbosity=0,
        )  # fmt: skip

    assert str(refused.value) == "A csv file must end in .csv, not x.gpkg."


def test_command_needs_a_format_it_can_tell(cadastre, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("export_parcels", "--output", str(tmp_path / "x.kml"), verbosity=0)

    assert str(refused.value) == (
        "Name the format: x.kml does not end in one of .gpkg, .shp, .geojson,"
        " .dxf, .csv, .xlsx."
    )


def test_command_refuses_an_account_without_parcel_access(cadastre, tmp_path):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("khach", password="Mat-khau-thu-3")

    with pytest.raises(CommandError) as refused:
        call_command(
            "export_parcels", "--output", str(tmp_path / "x.gpkg"), "--user", "khach",
            verbosity=0,
        )  # fmt: skip

    assert str(refused.value) == "This account may not read parcels."


@pytest.mark.parametrize("suffix", ["csv", "gpkg"])
def test_command_says_when_the_output_cannot_be_written(cadastre, tmp_path, suffix):
    folder = tmp_path / f"thu-muc.{suffix}"
    folder.mkdir()

    with pytest.raises(CommandError) as refused:
        call_command("export_parcels", "--output", str(folder), verbosity=0)

    assert str(refused.value) == f"thu-muc.{suffix} cannot be written: Is a directory"
    assert folder.is_dir()
    assert not AuditRecord.objects.filter(action="parcels.export").exists()
