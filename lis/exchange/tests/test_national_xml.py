"""The national XML exchange (issue #3): safe parsing, the schema, export,
import, and the round trip between them."""

import importlib
import re
import socket
from decimal import Decimal

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import CommandError, call_command
from lxml import etree

from lis.cadastre.models import (
    Certificate,
    IdentityDocument,
    LandUsePurpose,
    LandUser,
    MapSheet,
    Parcel,
    Right,
)
from lis.core import crs
from lis.core.models import AuditRecord
from lis.exchange.errors import ImportRefusedError
from lis.exchange.national_xml import parsing
from lis.exchange.national_xml.errors import (
    ExportRefusedError,
    MalformedXMLError,
    PersonalDataRefusedError,
    SchemaInvalidError,
    UnsafeXMLError,
)
from lis.exchange.national_xml.exporter import XmlExportOptions, export_xml
from lis.exchange.national_xml.importer import XmlImportOptions, import_xml_file
from lis.exchange.national_xml.schema import SCHEMA_FILE
from lis.exchange.parcel_import.service import (
    ImportMode,
    ImportOptions,
    import_parcel_file,
)
from lis.exchange.tests.fixtures import xml_files as xml
from lis.exchange.tests.fixtures.parcel_files import (
    ORIGIN,
    feature,
    square,
    write_parcel_file,
)

pytestmark = pytest.mark.django_db

DOCTYPE_REFUSED = (
    "The file declares a document type (<!DOCTYPE ...>): exchange files must not,"
    " since a DTD can expand entities or read other files."
)
AN = ("CN-1", "Nguyễn Văn An", 1975, "070075001234")
BINH = ("CN-2", "Trần Thị Bình", 1978, "070178004321")


def _import(path, **options):
    return import_xml_file(path, XmlImportOptions(**options), acting_user=None)


def _table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Parcel,
            MapSheet,
            LandUsePurpose,
            LandUser,
            IdentityDocument,
            Certificate,
            Right,
        )
    }


def _person(ident, name, year, number, **options) -> str:
    return xml.person(ident, name, year, (("CCCD", number),), **options)


def _refusal(path, error_class) -> str:
    before = _table_counts()

    with pytest.raises(error_class) as caught:
        _import(path)

    assert _table_counts() == before
    return str(caught.value.message)


# Safety ================================================================


def test_billion_laughs_is_refused_before_any_entity_is_expanded(tmp_path):
    path = xml.write_exchange_file(tmp_path / "lol.xml", xml.billion_laughs())

    message = _refusal(path, UnsafeXMLError)

    assert message == DOCTYPE_REFUSED


def test_external_entity_reading_a_local_file_is_refused(tmp_path):
    path = xml.write_exchange_file(
        tmp_path / "xxe.xml", xml.external_entity(xml.PASSWD)
    )

    message = _refusal(path, UnsafeXMLError)

    assert message == DOCTYPE_REFUSED
    assert "root:" not in message


def test_external_entity_fetching_a_url_is_refused(tmp_path):
    path = xml.write_exchange_file(
        tmp_path / "xxe.xml", xml.external_entity("http://127.0.0.1:9/secret")
    )

    message = _refusal(path, UnsafeXMLError)

    assert message == DOCTYPE_REFUSED


def test_parameter_entity_inside_the_dtd_is_refused(tmp_path):
    path = xml.write_exchange_file(
        tmp_path / "pe.xml", xml.parameter_entity(xml.PASSWD)
    )

    message = _refusal(path, UnsafeXMLError)

    assert message == DOCTYPE_REFUSED


def test_external_dtd_is_refused(tmp_path):
    path = xml.write_exchange_file(
        tmp_path / "dtd.xml", xml.external_dtd("http://127.0.0.1:9/lis.dtd")
    )

    message = _refusal(path, UnsafeXMLError)

    assert message == DOCTYPE_REFUSED


def test_doctype_declaring_nothing_is_refused_all_the_same(tmp_path):
    path = xml.write_exchange_file(tmp_path / "doctype.xml", xml.bare_doctype())

    message = _refusal(path, UnsafeXMLError)

    assert message == DOCTYPE_REFUSED


@pytest.fixture
def listener():
    """A local port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def _connected(server: socket.socket) -> bool:
    try:
        connection, _address = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def test_lxml_alone_neither_reads_files_nor_fetches_urls(
    tmp_path, monkeypatch, listener
):
    port = listener.getsockname()[1]
    local = xml.write_exchange_file(
        tmp_path / "local.xml", xml.external_entity(xml.PASSWD)
    )
    remote = xml.write_exchange_file(
        tmp_path / "remote.xml", xml.external_dtd(f"http://127.0.0.1:{port}/x.dtd")
    )
    monkeypatch.setattr(parsing, "refuse_document_type", lambda path: None)

    messages = [_refusal(path, UnsafeXMLError) for path in (local, remote)]

    assert messages == [DOCTYPE_REFUSED, DOCTYPE_REFUSED]
    assert _connected(listener) is False


def test_xinclude_is_not_processed_and_is_refused_by_the_schema(tmp_path):
    text = xml.xinclude()
    path = xml.write_exchange_file(tmp_path / "xi.xml", text)

    message = _refusal(path, SchemaInvalidError)

    line = xml.line_of(text, "<xi:include")
    assert message == (
        "The file does not follow the exchange schema lis-dulieudatdai-1.0.xsd:\n"
        f"line {line}: element '{{http://www.w3.org/2001/XInclude}}include':"
        " This element is not expected. Expected is one of ( donViXuat, ngayXuat )"
    )
    assert "root:" not in message


def test_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    path = xml.write_exchange_file(tmp_path / "big.xml", "<not xml" + " " * 200)
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 100)

    message = _refusal(path, UnsafeXMLError)

    assert message == "The file has 208 bytes; an exchange file may have at most 100."


def test_malformed_xml_is_reported_with_line_and_column(tmp_path):
    text = xml.one_parcel_document().replace("</soThuTuThua>", "</soThuTuThu>")
    path = xml.write_exchange_file(tmp_path / "bad.xml", text)

    message = _refusal(path, MalformedXMLError)

    line = xml.line_of(text, "</soThuTuThu>")
    column = len("<soThuTuThua>1</soThuTuThu>") + 1
    assert message == (
        f"The file is not well-formed XML: line {line}, column {column}: Opening and"
        f" ending tag mismatch: soThuTuThua line {line} and soThuTuThu"
    )


def test_text_that_is_not_xml_is_reported_as_malformed(tmp_path):
    path = xml.write_exchange_file(tmp_path / "csv.xml", "maDVHCXa;soThua\n25198;1\n")

    message = _refusal(path, MalformedXMLError)

    assert message == (
        "The file is not well-formed XML: line 1, column 1: Start tag expected,"
        " '<' not found"
    )


def test_empty_file_is_refused_as_empty(tmp_path):
    path = xml.write_exchange_file(tmp_path / "empty.xml", "")

    message = _refusal(path, MalformedXMLError)

    assert message == "The file is empty."


def test_truncated_file_is_reported_where_it_ends(tmp_path):
    text = xml.one_parcel_document()
    path = xml.write_exchange_file(
        tmp_path / "cut.xml", text[: text.index("<hinhThua>")]
    )

    message = _refusal(path, MalformedXMLError)

    line = xml.line_of(text, "<hinhThua>")
    assert message == (
        f"The file is not well-formed XML: line {line}, column 1: Premature end of"
        f" data in tag DC_ThuaDat line {xml.line_of(text, '<DC_ThuaDat>')}"
    )


def test_schema_invalid_value_is_reported_with_its_line(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1), xml.parcel("TD-2", 1, "abc", geom=square(1))]
    )
    path = xml.write_exchange_file(tmp_path / "abc.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    line = xml.line_of(text, "<soThuTuThua>abc")
    assert caught.value.errors == [
        f"line {line}: element 'soThuTuThua': 'abc' is not a valid value of the"
        " atomic type 'xs:positiveInteger'"
    ]
    assert Parcel.objects.count() == 0


def test_every_schema_error_is_listed_with_its_line(tmp_path):
    text = xml.exchange_document(
        [
            xml.parcel("TD-1", 0, 1),
            xml.parcel("TD-2", 1, 2, commune="2519", geom=square(1)),
        ]
    )
    path = xml.write_exchange_file(tmp_path / "two.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    assert caught.value.errors == [
        f"line {xml.line_of(text, '<soHieuToBanDo>0')}: element 'soHieuToBanDo':"
        " '0' is not a valid value of the atomic type 'xs:positiveInteger'",
        f"line {xml.line_of(text, '>2519<')}: element 'maDVHCXa': [facet"
        " 'pattern'] The value '2519' is not accepted by the pattern '[0-9]{5}'",
    ]


def test_element_between_records_is_reported_with_its_line(tmp_path):
    text = xml.one_parcel_document().replace(
        "</ThuaDatCollection>", "<ThuaDat/>\n</ThuaDatCollection>"
    )
    path = xml.write_exchange_file(tmp_path / "extra.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    assert caught.value.errors == [
        f"line {xml.line_of(text, '<ThuaDat/>')}: element 'ThuaDat' is not"
        " expected inside 'ThuaDatCollection'"
    ]


def test_file_of_another_kind_is_refused_by_its_root(tmp_path):
    path = xml.write_exchange_file(
        tmp_path / "kml.xml", '<?xml version="1.0"?>\n<kml><Document/></kml>\n'
    )

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    assert caught.value.errors == [
        "line 2: the root element is 'kml'; an exchange file's is 'DuLieuDatDai'"
    ]


def test_file_without_parcels_is_refused(tmp_path):
    text = xml.exchange_document([])
    path = xml.write_exchange_file(tmp_path / "empty.xml", text)

    message = _refusal(path, ImportRefusedError)

    assert message == "The file holds no parcels (DC_ThuaDat)."


def test_reference_to_an_undefined_holder_is_refused_with_its_line(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[_person(*AN)],
        rights=[xml.right("TD-1", "CN-9")],
    )
    path = xml.write_exchange_file(tmp_path / "ref.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    assert caught.value.errors == [
        f"line {xml.line_of(text, '<doiTuongID>CN-9')}: doiTuongID CN-9 names no"
        " CaNhan/ToChuc/VoChong of the file"
    ]
    assert Parcel.objects.count() == 0


def test_right_on_a_parcel_the_file_lacks_is_refused_with_its_line(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[_person(*AN)],
        rights=[xml.right("TD-7", "CN-1")],
    )
    path = xml.write_exchange_file(tmp_path / "ref.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    assert caught.value.errors == [
        f"line {xml.line_of(text, '<thuaDatID>TD-7')}: thuaDatID TD-7 names no"
        " DC_ThuaDat of the file"
    ]


def test_identifier_used_twice_is_refused_with_both_lines(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1), xml.parcel("TD-1", 1, 2, geom=square(1))]
    )
    path = xml.write_exchange_file(tmp_path / "twice.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    first = xml.line_of(text, "<thuaDatID>TD-1")
    second = text.count("\n", 0, text.rindex("<thuaDatID>TD-1")) + 1
    assert caught.value.errors == [
        f"line {second}: thuaDatID TD-1 is already the identifier of line {first}"
    ]


def test_collections_out_of_order_are_refused_by_the_schema(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        certificates=[xml.certificate("G-1", "BĐ 123456")],
    )
    certificates = text[
        text.index("<GiayChungNhanCollection>") : text.index("<ThuaDatCollection>")
    ]
    text = text.replace(certificates, "").replace(
        "</ThuaDatCollection>\n", "</ThuaDatCollection>\n" + certificates
    )
    path = xml.write_exchange_file(tmp_path / "order.xml", text)

    with pytest.raises(SchemaInvalidError) as caught:
        _import(path)

    assert caught.value.errors == [
        "element 'GiayChungNhanCollection': This element is not expected."
        " Expected is ( HoSoDangKyDatDaiCollection )"
    ]
    assert Parcel.objects.count() == 0


# Import ================================================================


def test_import_creates_parcel_holders_rights_and_certificate(tmp_path):
    text = xml.exchange_document(
        [
            xml.parcel(
                "TD-1",
                4,
                12,
                legal_area="499.6",
                purposes=[xml.purpose("ONT", "499.6", term="lauDai")],
            )
        ],
        persons=[_person(*AN), _person(*BINH)],
        certificates=[xml.certificate("G-1", "BĐ 123456", register="CH00001")],
        rights=[
            xml.right("TD-1", "CN-1", "G-1", "0.5"),
            xml.right("TD-1", "CN-2", "G-1", "0.5"),
        ],
    )
    path = xml.write_exchange_file(tmp_path / "a.xml", text)

    report = _import(path, unit_catalogue="2004")

    assert report.committed is True
    assert report.rejections == []
    assert report.created == {
        "parcels": 1,
        "map_sheets": 1,
        "land_users": 2,
        "certificates": 1,
        "rights": 2,
    }
    parcel = Parcel.objects.get()
    assert parcel.legacy_key == "25198/4/12"
    assert parcel.legal_area_m2 == Decimal("499.6")
    assert parcel.computed_area_m2 == Decimal("500.00")
    purpose = parcel.purposes.get()
    assert (purpose.land_use_type.code, purpose.area_m2, purpose.long_term) == (
        "ONT",
        Decimal("499.6"),
        True,
    )
    rights = [
        (r.holder.full_name, r.holder.birth_year, r.share, r.certificate.serial_number)
        for r in parcel.rights.order_by("holder__full_name")
    ]
    assert rights == [
        ("Nguyễn Văn An", 1975, Decimal("0.500000"), "BĐ 123456"),
        ("Trần Thị Bình", 1978, Decimal("0.500000"), "BĐ 123456"),
    ]
    assert sorted(IdentityDocument.objects.values_list("kind", "number")) == [
        ("CCCD", "070075001234"),
        ("CCCD", "070178004321"),
    ]
    assert Certificate.objects.get().register_number == "CH00001"
    assert AuditRecord.objects.filter(action="xml.import").count() == 1


def test_couple_holds_a_parcel_as_two_holders(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[_person(*AN), _person(*BINH)],
        couples=[xml.couple("VC-1", "CN-2", "CN-1")],
        rights=[xml.right("TD-1", "VC-1", share="1")],
    )
    path = xml.write_exchange_file(tmp_path / "couple.xml", text)

    report = _import(path)

    assert report.committed is True
    assert sorted(Right.objects.values_list("holder__full_name", "share")) == [
        ("Nguyễn Văn An", Decimal("0.500000")),
        ("Trần Thị Bình", Decimal("0.500000")),
    ]


def test_organisation_is_imported_as_an_organisation(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1, land_use="SKC")],
        organisations=[
            xml.organisation(
                "TC-1",
                "Công ty TNHH Cao su Phú Riềng",
                (("MaSoDoanhNghiep", "3800100123"),),
                object_code="TKT",
            )
        ],
        rights=[xml.right("TD-1", "TC-1")],
    )
    path = xml.write_exchange_file(tmp_path / "org.xml", text)

    report = _import(path)

    assert report.committed is True
    holder = LandUser.objects.get()
    assert (holder.kind, holder.full_name, holder.object_type.code) == (
        "organisation",
        "Công ty TNHH Cao su Phú Riềng",
        "TKT",
    )
    assert list(holder.documents.values_list("kind", "number")) == [
        ("BUSINESS", "3800100123")
    ]


def _rejections(report) -> list[tuple]:
    return [(r.feature, r.field, r.reason, r.code) for r in report.rejections]


def test_parcel_with_three_holders_is_rejected_naming_the_count(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[
            _person(*AN),
            _person(*BINH),
            _person("CN-3", "Lê Văn Cường", 1980, "070080001111"),
        ],
        rights=[xml.right("TD-1", f"CN-{i}") for i in (1, 2, 3)],
    )
    path = xml.write_exchange_file(tmp_path / "three.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            1,
            "doiTuongID",
            "the parcel has 3 holders; the import records at most 2",
            "too_many_holders",
        )
    ]
    assert report.committed is False
    assert Parcel.objects.count() == 0


def test_parcel_with_two_purposes_is_rejected_naming_the_count(tmp_path):
    text = xml.exchange_document(
        [
            xml.parcel(
                "TD-1",
                1,
                1,
                legal_area="500.0",
                purposes=[xml.purpose("ONT", "200.0"), xml.purpose("CLN", "300.0")],
            )
        ]
    )
    path = xml.write_exchange_file(tmp_path / "mixed.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            1,
            "MucDichSuDungDat",
            "the parcel has 2 land-use purposes; the import records one purpose"
            " per parcel",
            "several_purposes",
        ),
        (
            1,
            "MucDichSuDungDat/dienTich",
            "the purpose covers 200.0 m² of a legal area of 500.0 m²; one purpose"
            " covers the whole parcel",
            "purpose_area",
        ),
    ]
    assert Parcel.objects.count() == 0


def test_unequal_shares_are_rejected(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[_person(*AN), _person(*BINH)],
        rights=[
            xml.right("TD-1", "CN-1", share="0.7"),
            xml.right("TD-1", "CN-2", share="0.3"),
        ],
    )
    path = xml.write_exchange_file(tmp_path / "shares.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            1,
            "tyLe",
            "the holders' shares (0.7, 0.3) are not equal; the import records"
            " equal shares",
            "unequal_shares",
        )
    ]


def test_cancelled_certificate_is_rejected(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[_person(*AN)],
        certificates=[xml.certificate("G-1", "BĐ 123456", status="DaHuy")],
        rights=[xml.right("TD-1", "CN-1", "G-1")],
    )
    path = xml.write_exchange_file(tmp_path / "cancelled.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            1,
            "trangThai",
            "certificate BĐ 123456 is DaHuy; the import records certificates in"
            " force only",
            "certificate_not_in_force",
        )
    ]


def test_document_kind_contradicting_the_number_is_rejected(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[
            xml.person("CN-1", "Nguyễn Văn An", 1975, (("CMND", "070075001234"),))
        ],
        rights=[xml.right("TD-1", "CN-1")],
    )
    path = xml.write_exchange_file(tmp_path / "kind.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            1,
            "loaiGiayToTuyThan",
            "070075001234 has the form of a CCCD; the file says CMND",
            "document_kind",
        )
    ]


def test_builder_rejection_names_the_file_element(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1, land_use="XYZ")],
        persons=[_person("CN-1", "Nguyễn Văn An", 1975, "70075001234")],
        rights=[xml.right("TD-1", "CN-1")],
    )
    path = xml.write_exchange_file(tmp_path / "builder.xml", text)

    report = _import(path)

    assert [(r.field, r.code) for r in report.rejections] == [
        ("MucDichSuDungDat/loaiDat", "unknown_land_use_code"),
        ("soGiayTo", "invalid_value"),
    ]


def test_catalogue_in_the_file_contradicting_the_option_is_rejected(tmp_path):
    path = xml.write_exchange_file(tmp_path / "cat.xml", xml.one_parcel_document())

    report = _import(path, unit_catalogue="2025")

    assert _rejections(report) == [
        (
            1,
            "maDVHCXa",
            "the file names catalogue 2004 for this code; the import was asked for"
            " 2025",
            "catalogue_conflict",
        )
    ]


def test_unclosed_ring_is_rejected_by_its_geometry(tmp_path):
    text = xml.one_parcel_document()
    ring = xml.pos_list(square(0).exterior)
    text = text.replace(ring, ring.rsplit(" ", 2)[0] + " 568920.0 1275701.0")
    path = xml.write_exchange_file(tmp_path / "open.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            1,
            "geometry",
            "the boundary cannot be read: the outer ring of polygon 1 is not"
            " closed: its last position must repeat its first",
            "invalid_geometry",
        )
    ]


def test_boundary_in_another_crs_than_the_first_is_rejected(tmp_path):
    text = xml.exchange_document(
        [
            xml.parcel("TD-1", 1, 1),
            xml.parcel("TD-2", 1, 2, geom=square(1), srs_name="EPSG:9210"),
        ]
    )
    path = xml.write_exchange_file(tmp_path / "two.xml", text)

    report = _import(path)

    assert _rejections(report) == [
        (
            2,
            "geometry",
            "the boundary cannot be read: this boundary is in EPSG:9210 while the"
            " file's first is in EPSG:9212; one file holds one coordinate reference"
            " system",
            "invalid_geometry",
        )
    ]


@pytest.mark.parametrize(
    ("srs_name", "latitude_first"),
    [("urn:ogc:def:crs:EPSG::4326", True), ("EPSG:4326", False)],
)
def test_wgs84_boundary_is_read_in_the_axis_order_its_srs_name_implies(
    tmp_path, srs_name, latitude_first
):
    wgs84 = crs.to_wgs84(square(0), 9212)
    if latitude_first:
        wgs84 = shapely.transform(wgs84, lambda xy: xy[:, ::-1])
    path = xml.write_exchange_file(
        tmp_path / "wgs84.xml",
        xml.one_parcel_document(geom=wgs84, srs_name=srs_name, legal_area="500.0"),
    )

    report = _import(path)

    assert report.committed is True, report.rejections
    assert report.crs == "EPSG:4326"
    parcel = Parcel.objects.get()
    assert parcel.computed_area_m2 == Decimal("500.00")
    expected = GEOSGeometry(shapely.to_wkt(shapely.MultiPolygon([square(0)])), 9212)
    assert parcel.geom.equals_exact(expected, tolerance=0.001)


def test_facts_the_import_leaves_out_are_named_in_the_report(tmp_path):
    text = xml.exchange_document(
        [xml.parcel("TD-1", 1, 1)],
        persons=[_person(*AN)],
        rights=[xml.right("TD-1", "CN-1")],
    ).replace(
        "<soGiayTo>070075001234</soGiayTo>\n",
        "<soGiayTo>070075001234</soGiayTo>\n<ngayCap>2021-05-04</ngayCap>\n"
        "<noiCap>Cục Cảnh sát QLHC về TTXH</noiCap>\n",
    )
    path = xml.write_exchange_file(tmp_path / "papers.xml", text)

    report = _import(path)

    assert report.committed is True
    assert report.notes == [
        "GiayToTuyThan/ngayCap: 1 values not imported: the import does not record"
        " them yet.",
        "GiayToTuyThan/noiCap: 1 values not imported: the import does not record"
        " them yet.",
    ]


def _one_good_one_bad() -> str:
    return xml.exchange_document(
        [
            xml.parcel("TD-1", 1, 1),
            xml.parcel("TD-2", 1, 2, geom=square(1)),
        ],
        persons=[
            _person(*AN),
            _person(*BINH),
            _person("CN-3", "Lê Văn Cường", 1980, "070080001111"),
        ],
        rights=[xml.right("TD-1", "CN-1")]
        + [xml.right("TD-2", f"CN-{i}") for i in (1, 2, 3)],
    )


def test_all_or_nothing_with_one_bad_parcel_leaves_the_database_unchanged(tmp_path):
    path = xml.write_exchange_file(tmp_path / "mixed.xml", _one_good_one_bad())
    before = _table_counts()

    report = _import(path)

    assert [(r.feature, r.sheet, r.parcel, r.code) for r in report.rejections] == [
        (2, "1", "2", "too_many_holders")
    ]
    assert report.committed is False
    assert report.notes == ["Nothing was imported: the mode is all or nothing."]
    assert _table_counts() == before
    assert AuditRecord.objects.filter(action="xml.import").count() == 0


def test_valid_only_imports_the_valid_parcels_beside_a_bad_one(tmp_path):
    path = xml.write_exchange_file(tmp_path / "mixed.xml", _one_good_one_bad())

    report = _import(path, mode=ImportMode.VALID_ONLY)

    assert report.committed is True
    assert [p.legacy_key for p in Parcel.objects.all()] == ["25198/1/1"]
    assert list(Right.objects.values_list("holder__full_name", flat=True)) == [
        "Nguyễn Văn An"
    ]


# Export ================================================================


def _map_file(tmp_path):
    """Parcels with every fact a map import records, in two sheets."""
    offset = 0.123456
    hole = shapely.Polygon(
        square(2).exterior.coords,
        [[(ORIGIN[0] + 45, ORIGIN[1] + 5), (ORIGIN[0] + 45, ORIGIN[1] + 10),
          (ORIGIN[0] + 50, ORIGIN[1] + 10), (ORIGIN[0] + 50, ORIGIN[1] + 5)]],
    )  # fmt: skip
    odd = shapely.Polygon(
        [(x + offset, y - offset) for x, y in square(3).exterior.coords]
    )
    return write_parcel_file(
        tmp_path / "map.gpkg",
        [
            feature(
                square(0),
                1,
                1,
                "ONT",
                dienTich=499.6,
                diaChi="Tổ 3, ấp Phú Thịnh",
                tyLe=1000,
                thoiHan="Lâu dài",
                tenChu="Nguyễn Văn An",
                namSinh=1975,
                soGiayTo="070075001234",
                doiTuong="CNV",
                tenChu2="Trần Thị Bình",
                namSinh2=1978,
                soGiayTo2="070178004321",
                soPhatHanh="BĐ 123456",
                soVaoSo="CH00001",
                ngayCap="15/03/2012",
            ),
            feature(
                square(1),
                1,
                2,
                "SKC",
                thoiHan="31/12/2065",
                tenChu="Công ty TNHH Cao su Phú Riềng",
                soGiayTo="3800100123",
                doiTuong="TKT",
            ),
            feature(hole, 2, 7, "CLN"),
            feature(odd, 2, 8, "ODT", tenChu="Lê Văn Cường", namSinh=1980),
        ],
    )


@pytest.fixture
def cadastre(tmp_path):
    report = import_parcel_file(
        _map_file(tmp_path), ImportOptions(unit_catalogue="2004"), acting_user=None
    )
    assert report.committed is True, report.rejections


def _snapshot() -> dict:
    """Every fact of every parcel, by legacy key."""
    parcels = {}
    for p in Parcel.objects.select_related("map_sheet__commune", "commune"):
        rights = [
            (
                r.holder.kind,
                r.holder.full_name,
                r.holder.birth_year,
                r.holder.object_type.code if r.holder.object_type else None,
                sorted(r.holder.documents.values_list("kind", "number")),
                r.share,
                r.certificate
                and (
                    r.certificate.serial_number,
                    r.certificate.register_number,
                    r.certificate.issue_date,
                    r.certificate.status,
                ),
            )
            for r in p.rights.order_by("holder__full_name")
        ]
        parcels[p.legacy_key] = {
            "catalogue": p.map_sheet.commune.catalogue,
            "current": (p.commune.code, p.commune.catalogue),
            "scale": p.map_sheet.scale,
            "legal_area": p.legal_area_m2,
            "computed_area": p.computed_area_m2,
            "address": p.address,
            "uid": p.uid,
            "purposes": [
                (
                    u.land_use_type.code,
                    u.land_use_type.catalogue,
                    u.area_m2,
                    u.long_term,
                    u.term_end,
                )
                for u in p.purposes.all()
            ],
            "rights": rights,
            "geom": p.geom,
        }
    return parcels


def _empty_cadastre() -> None:
    Right.objects.all().delete()
    Certificate.objects.all().delete()
    LandUser.objects.all().delete()
    Parcel.objects.all().delete()
    MapSheet.objects.all().delete()


def _export(path, user, **options):
    return export_xml(path, XmlExportOptions(**options), acting_user=user)


def test_export_validates_against_the_xsd(tmp_path, cadastre, officer):
    path = tmp_path / "out.xml"

    result = _export(path, officer, exporting_unit="VPĐKĐĐ tỉnh Đồng Nai")

    schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log
    assert (result.parcels, result.land_users, result.certificates, result.rights) == (
        4,
        4,
        1,
        4,
    )
    assert document.findtext("ThongTinChung/donViXuat") == "VPĐKĐĐ tỉnh Đồng Nai"
    record = AuditRecord.objects.get(action="xml.export")
    assert record.actor == officer
    assert record.details == {
        "parcels": 4,
        "land_users": 4,
        "certificates": 1,
        "rights": 4,
    }


def test_export_writes_boundaries_as_gml_in_vn2000(tmp_path, cadastre, officer):
    path = tmp_path / "out.xml"

    _export(path, officer, commune="25198", unit_catalogue="2004", sheet=2)

    document = etree.parse(str(path))
    gml = "{http://www.opengis.net/gml/3.2}"
    surfaces = document.findall(f".//{gml}MultiSurface")
    assert [s.get("srsName") for s in surfaces] == [
        "urn:ogc:def:crs:EPSG::9212",
        "urn:ogc:def:crs:EPSG::9212",
    ]
    assert [len(s.findall(f".//{gml}interior")) for s in surfaces] == [1, 0]
    first = surfaces[0].findtext(f".//{gml}exterior//{gml}posList").split()
    assert first[:2] == ["568960.0", "1275700.0"]
    assert document.xpath("count(//DC_ThuaDat)") == 2


def test_export_is_refused_without_personal_data_permission(tmp_path, cadastre, reader):
    path = tmp_path / "out.xml"

    with pytest.raises(PersonalDataRefusedError) as by_reader:
        _export(path, reader)
    with pytest.raises(PersonalDataRefusedError):
        _export(path, None)

    assert str(by_reader.value.message) == (
        "The national exchange file carries land users' names and identity numbers:"
        " only an account that may read personal data (cadastre.view_landuser) can"
        " export it."
    )
    assert not path.exists()
    assert list(tmp_path.glob("*.part")) == []
    assert AuditRecord.objects.filter(action="xml.export").count() == 0


def test_export_then_import_gives_back_the_same_cadastre(tmp_path, cadastre, officer):
    path = tmp_path / "out.xml"
    _export(path, officer)
    before = _snapshot()
    _empty_cadastre()

    report = _import(path)

    after = _snapshot()
    assert report.committed is True, report.rejections
    assert (
        sorted(after)
        == sorted(before)
        == [
            "25198/1/1",
            "25198/1/2",
            "25198/2/7",
            "25198/2/8",
        ]
    )
    for key, facts in before.items():
        geom = facts.pop("geom")
        restored = after[key].pop("geom")
        assert after[key] == facts, key
        assert restored.equals_exact(geom, tolerance=0.001), key
    assert before["25198/1/1"]["rights"][0][4] == [("CCCD", "070075001234")]
    assert before["25198/1/2"]["purposes"][0][4].isoformat() == "2065-12-31"


def test_round_trip_notes_what_is_computed_again(tmp_path, cadastre, officer):
    path = tmp_path / "out.xml"
    _export(path, officer)
    _empty_cadastre()

    report = _import(path)

    assert report.notes == [
        "DC_ThuaDat/dienTich: 4 values not read, computed again from the boundary.",
        "DC_ThuaDat/maDVHCXaHienTai: 4 values not read, derived from the 2025"
        " crosswalk.",
        "DC_ThuaDat/maDinhDanhThua: 4 values not read, computed again from the"
        " boundary.",
    ]


def test_export_failing_the_schema_leaves_no_file(tmp_path, cadastre, officer):
    LandUsePurpose.objects.filter(parcel__parcel_number=2).delete()
    path = tmp_path / "out.xml"

    with pytest.raises(ExportRefusedError) as caught:
        _export(path, officer)

    assert re.fullmatch(
        r"The written file failed the schema; nothing was exported\. The file does"
        r" not follow the exchange schema lis-dulieudatdai-1\.0\.xsd:\nline \d+:"
        r" element 'MucDichSuDungDatCollection': Missing child element\(s\)\."
        r" Expected is \( MucDichSuDungDat \)",
        str(caught.value.message),
    )
    assert list(tmp_path.glob("*.xml")) == []
    assert list(tmp_path.glob(".*.part")) == []
    assert AuditRecord.objects.filter(action="xml.export").count() == 0


def test_export_refuses_control_characters_xml_cannot_carry(
    tmp_path, cadastre, officer
):
    LandUser.objects.filter(full_name="Lê Văn Cường").update(
        full_name="Lê Văn\x07Cường"
    )
    path = tmp_path / "out.xml"

    with pytest.raises(ExportRefusedError) as caught:
        _export(path, officer)

    assert str(caught.value.message) == (
        "Element hoTen of CaNhan holds control characters, which XML cannot carry;"
        " correct it before exporting."
    )
    assert list(tmp_path.glob("*.xml")) == []
    assert list(tmp_path.glob(".*.part")) == []


def test_export_of_an_empty_selection_writes_nothing(tmp_path, cadastre, officer):
    path = tmp_path / "out.xml"

    with pytest.raises(ExportRefusedError) as caught:
        _export(path, officer, commune="25198", unit_catalogue="2004", sheet=99)

    assert str(caught.value.message) == (
        "No parcel matches the selection; nothing was written."
    )
    assert not path.exists()


def test_commands_export_and_import_an_exchange_file(tmp_path, cadastre, officer):
    path = tmp_path / "out.xml"

    call_command("export_xml", output=path, user="canbo", verbosity=0)
    _empty_cadastre()
    call_command("import_xml", str(path), verbosity=0)

    assert Parcel.objects.count() == 4
    with pytest.raises(CommandError, match="cadastre.view_landuser"):
        call_command("export_xml", output=tmp_path / "x.xml", verbosity=0)


def test_import_command_lists_rejected_parcels(tmp_path):
    path = xml.write_exchange_file(tmp_path / "mixed.xml", _one_good_one_bad())

    with pytest.raises(CommandError, match="1 parcels were rejected"):
        call_command("import_xml", str(path), verbosity=0)

    assert Parcel.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_export_outside_a_transaction_reads_one_snapshot(tmp_path, officer):
    import_parcel_file(
        _map_file(tmp_path), ImportOptions(unit_catalogue="2004"), acting_user=None
    )
    path = tmp_path / "out.xml"

    result = _export(path, officer)

    assert (result.parcels, result.rights) == (4, 4)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
    assert schema.validate(etree.parse(str(path)))


@pytest.mark.parametrize("name", ["export_xml", "import_xml"])
def test_commands_explain_themselves_in_their_help(name):
    module = importlib.import_module(f"lis.exchange.management.commands.{name}")

    text = module.Command().create_parser("lis", name).format_help()

    assert "national exchange file (XML, schema lis-dulieudatdai-1.0.xsd)" in " ".join(
        text.split()
    )
