"""The parcel page: register data for every role, personal data for some,
and the vertex table as Vietnamese extracts print it (X = northing)."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry

from lis.cadastre.services.parcels import PurposeInput, create_parcel
from lis.core import crs
from lis.portal.tests.fixtures.cadastre import (
    land_use,
    make_owner,
    make_sheet,
    small_town,
)

pytestmark = pytest.mark.django_db

# A 20 m square, its first corner at X (northing) 1 275 700, Y (easting)
# 568 900 in EPSG:9212, drawn north, east, south, west.
SQUARE = shapely.Polygon(
    [(568900, 1275700), (568900, 1275720), (568920, 1275720), (568920, 1275700)]
)
_VERTEX_ROW = re.compile(
    r"<tr>\s*<td>(\d+)</td>\s*"
    r'<td class="number">([^<]+)</td>\s*'
    r'<td class="number">([^<]+)</td>\s*'
    r'<td class="number">([^<]+)</td>\s*'
    r'<td class="number">([^<]+)<br><small>([^<]+)</small></td>\s*'
    r'<td class="number">([^<]+)<br><small>([^<]+)</small></td>'
)


@pytest.fixture
def square_parcel(reference_data):
    sheet = make_sheet(4)
    return create_parcel(
        map_sheet=sheet,
        parcel_number=12,
        geom=GEOSGeometry(SQUARE.wkt, srid=9212),
        legal_area_m2=Decimal("400.0"),
        purposes=[
            PurposeInput(land_use("ONT"), Decimal("100.0"), long_term=True),
            PurposeInput(
                land_use("CLN"), Decimal("250.0"), term_end=date(2045, 10, 15)
            ),
            PurposeInput(land_use("HNK"), Decimal("50.0")),
        ],
        address="Tổ 3, khu phố Tân Đồng",
        acting_user=None,
    )


@pytest.fixture
def town(reference_data):
    return small_town()


def _page(client, parcel, language="vi") -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/parcels/{parcel.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_vertex_table_prints_x_northing_y_easting_and_edges(
    client, reader, square_parcel
):
    client.force_login(reader)

    html = _page(client, square_parcel)

    rows = [row[:4] for row in _VERTEX_ROW.findall(html)]
    # Clockwise from the north-west corner, as extracts number them.
    assert rows == [
        ("1", "1275720,000", "568900,000", "20,00"),
        ("2", "1275720,000", "568920,000", "20,00"),
        ("3", "1275700,000", "568920,000", "20,00"),
        ("4", "1275700,000", "568900,000", "20,00"),
    ]


def test_vertex_table_gives_wgs84_through_the_pinned_transform(
    client, reader, square_parcel
):
    client.force_login(reader)
    to_wgs84 = crs.vn2000_to_wgs84(9212)
    expected = []
    north_west_clockwise = [
        (568900.0, 1275720.0),
        (568920.0, 1275720.0),
        (568920.0, 1275700.0),
        (568900.0, 1275700.0),
    ]
    for east, north in north_west_clockwise:
        lon, lat = to_wgs84.transform(east, north)
        expected.append(
            (f"{lat:.8f}".replace(".", ","), f"{lon:.8f}".replace(".", ","))
        )

    html = _page(client, square_parcel)

    rows = _VERTEX_ROW.findall(html)
    assert [(row[4], row[6]) for row in rows] == expected
    assert tuple(unescape(cell) for cell in rows[0][4:]) == (
        "11,53511703",
        "11°32'06,4213\"N",
        "106,88345753",
        "106°53'00,4471\"E",
    )


def test_vertex_table_header_names_the_crs_and_the_axes(client, reader, square_parcel):
    client.force_login(reader)

    html = _page(client, square_parcel, "en")

    assert "X and Y in VN-2000 / TM-3 106-15 (EPSG:9212), in metres" in html
    assert "X is the northing and Y the easting" in html
    assert '<th class="number">X (northing, m)</th>' in html


def test_parcel_page_shows_key_communes_areas_and_terms(client, reader, square_parcel):
    client.force_login(reader)

    html = _page(client, square_parcel, "en")

    assert '<dd id="legacy-key">25198/4/12</dd>' in html
    assert "Phường Tân Đồng (25198," in html
    assert "Phường Bình Phước (25195," in html
    assert "No. 4, scale 1:2000" in html
    assert f'<code id="parcel-uid">{square_parcel.uid}</code>' in html
    assert '<dd id="legal-area">400.0 m²</dd>' in html
    assert "400.00 m²" in html
    assert "<td>Long-term</td>" in html
    assert "<td>15/10/2045</td>" in html
    assert "<td>—</td>" in html
    assert "Tổ 3, khu phố Tân Đồng" in html


def test_parcel_page_prints_areas_in_vietnamese_format(client, reader, reference_data):
    sheet = make_sheet(5)
    big = create_parcel(
        map_sheet=sheet,
        parcel_number=1,
        geom=GEOSGeometry(
            shapely.box(568900, 1275700, 568924.69, 1275750).wkt, srid=9212
        ),
        legal_area_m2=Decimal("1234.5"),
        purposes=[PurposeInput(land_use("ONT"), Decimal("1234.5"), long_term=True)],
        acting_user=None,
    )
    client.force_login(reader)

    html = _page(client, big, "vi")

    assert '<dd id="legal-area">1.234,5 m²</dd>' in html
    assert "1.234,50 m²" in html


def test_parcel_page_hides_personal_data_from_reader(client, reader, town):
    client.force_login(reader)

    html = _page(client, town["first"], "en")

    assert 'id="personal-data-hidden"' in html
    assert "personal data is hidden for your role" in html
    for personal in ["Nguyễn Văn An", "070085001234", "1985", "BĐ 123456", "CH01234"]:
        assert personal not in html


def test_parcel_page_shows_owners_rights_and_certificate_to_officer(
    client, officer, town
):
    client.force_login(officer)

    html = _page(client, town["first"], "vi")

    assert "<td>Nguyễn Văn An</td>" in html
    assert "<td>1985</td>" in html
    assert ">CCCD</abbr> 070085001234" in html
    assert '<td class="number">100%</td>' in html
    assert "Nhận chuyển nhượng đất được Công nhận QSDĐ" in html
    assert "<td>BĐ 123456</td>" in html
    assert "<td>CH01234</td>" in html
    assert "<td>04/05/2020</td>" in html


def test_parcel_page_shows_shares_as_fractions(client, officer, square_parcel):
    make_owner(square_parcel, "Trần Văn Cường", share=Decimal("0.5"))
    make_owner(square_parcel, "Lê Thị Dung", share=Decimal("0.5"))
    client.force_login(officer)

    html = _page(client, square_parcel, "vi")

    assert html.count('<td class="number">1/2 (50%)</td>') == 2


def test_parcel_page_of_missing_parcel_is_not_found(client, reader, town):
    client.force_login(reader)

    response = client.get("/parcels/999999")

    assert response.status_code == 404


def test_parcel_page_has_a_small_map_of_the_parcel(client, reader, square_parcel):
    client.force_login(reader)

    html = _page(client, square_parcel)

    assert f'data-parcel-id="{square_parcel.pk}"' in html
    assert "/static/vendor/ol/dist/ol.js" in html
    assert "/static/portal/parcel-page.js" in html


def test_parcel_card_api_gives_register_data_and_extent(client, reader, square_parcel):
    client.force_login(reader)

    client.cookies["django_language"] = "en"
    response = client.get(f"/api/parcels/{square_parcel.pk}")

    card = response.json()
    bbox = card.pop("bbox")
    assert card == {
        "id": square_parcel.pk,
        "legacy_key": "25198/4/12",
        "sheet": 4,
        "parcel_number": 12,
        "surveyed_commune": {
            "code": "25198",
            "name": "Phường Tân Đồng",
            "catalogue": "2004",
        },
        "current_commune": {
            "code": "25195",
            "name": "Phường Bình Phước",
            "catalogue": "2025",
        },
        "commune_text": "Phường Tân Đồng → Phường Bình Phước",
        "land_use": ["ONT", "CLN", "HNK"],
        "legal_area_m2": "400.0",
        "legal_area_text": "400.0 m²",
        "url": f"/parcels/{square_parcel.pk}",
        "uid": square_parcel.uid,
        "address": "Tổ 3, khu phố Tân Đồng",
        "purposes": [
            {
                "code": "ONT",
                "name": "Đất ở tại nông thôn",
                "area_m2": "100.0",
                "area_text": "100.0 m²",
            },
            {
                "code": "CLN",
                "name": "Đất trồng cây lâu năm",
                "area_m2": "250.0",
                "area_text": "250.0 m²",
            },
            {
                "code": "HNK",
                "name": "Đất trồng cây hằng năm khác",
                "area_m2": "50.0",
                "area_text": "50.0 m²",
            },
        ],
        "computed_area_m2": "400.00",
        "computed_area_text": "400.00 m²",
    }
    assert bbox == pytest.approx(
        list(crs.to_web_mercator(SQUARE, 9212).bounds), abs=1e-6
    )


def test_parcel_card_api_of_missing_parcel_is_not_found(client, reader, town):
    client.force_login(reader)

    response = client.get("/api/parcels/999999")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
