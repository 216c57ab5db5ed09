"""Numbers as the portal prints them, in Vietnamese and in English."""

from decimal import Decimal

import pytest
from django.utils import translation

from lis.portal.templatetags.portal_format import area_m2, dms, fixed, share


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("vi", Decimal("1234.5"), "1.234,5 m²"),
        ("vi", Decimal("1234567.25"), "1.234.567,3 m²"),
        ("vi", Decimal("499.6"), "499,6 m²"),
        ("en", Decimal("1234.5"), "1,234.5 m²"),
        ("vi", None, "—"),
    ],
)
def test_area_groups_thousands_with_one_decimal(language, value, expected):
    with translation.override(language):
        assert area_m2(value) == expected


def test_coordinate_rounds_and_keeps_no_grouping():
    with translation.override("vi"):
        assert fixed(1275700.0004999, 3) == "1275700,000"
        assert fixed(1275700.0005001, 3) == "1275700,001"
        assert fixed(106.883457125, 8) == "106,88345713"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1"), "100%"),
        (Decimal("0.5"), "1/2 (50%)"),
        (Decimal("0.333333"), "1/3 (33,33%)"),
        (Decimal("0.25"), "1/4 (25%)"),
        (Decimal("0.123"), "12,30%"),
    ],
)
def test_share_as_fraction_and_percent(value, expected):
    with translation.override("vi"):
        assert share(value) == expected


def test_dms_of_latitude_and_longitude():
    with translation.override("vi"):
        assert dms(11.5, "lat") == "11°30'00,0000\"N"
        assert dms(106.88345713, "lon") == "106°53'00,4457\"E"
        assert dms(-0.5, "lat") == "0°30'00,0000\"S"
