"""Map colours by land-use group, shared by the map legend and its styles.

A parcel takes the colour of its first land-use code. Codes of TT 08/2024,
TT 27/2018 and common legacy codes are grouped as cadastral maps colour
them; an unknown code is drawn as "other land".
"""

from django.utils.translation import gettext_lazy as _

LAND_USE_GROUPS = [
    {
        "key": "residential",
        "label": _("Residential land"),
        "colour": "#f4b6c8",
        "codes": ["ONT", "ODT", "OTC", "OCT", "T"],
    },
    {
        "key": "perennial",
        "label": _("Perennial crops"),
        "colour": "#f7c08a",
        "codes": ["CLN", "LNC", "LNQ", "LNK"],
    },
    {
        "key": "rice",
        "label": _("Rice land"),
        "colour": "#fff0a0",
        "codes": ["LUA", "LUC", "LUK", "LUN", "2L"],
    },
    {
        "key": "annual",
        "label": _("Other annual crops"),
        "colour": "#d9efc2",
        "codes": ["HNK", "BHK", "NHK", "CHN", "COC"],
    },
    {
        "key": "forest",
        "label": _("Forest land"),
        "colour": "#93c47d",
        "codes": [
            "RSX",
            "RPH",
            "RDD",
            "RSN",
            "RST",
            "RSK",
            "RSM",
            "RPN",
            "RPT",
            "RDN",
            "LNP",
        ],
    },
    {
        "key": "water",
        "label": _("Water and aquaculture"),
        "colour": "#9fc5e8",
        "codes": ["SON", "MNC", "NTS", "MCS", "TSL", "TSN", "MVB", "MVT", "MVR", "MVK"],
    },
    {
        "key": "roads",
        "label": _("Roads and transport"),
        "colour": "#c4c4c4",
        "codes": ["DGT"],
    },
    {
        "key": "public",
        "label": _("Public purposes and services"),
        "colour": "#cdb8e8",
        "codes": [
            "DTL",
            "DCT",
            "DPC",
            "DDD",
            "DRA",
            "DNL",
            "DBV",
            "DCH",
            "DKV",
            "DSH",
            "DDT",
            "DDL",
            "DCK",
            "DVH",
            "DXH",
            "DYT",
            "DGD",
            "DTT",
            "DKH",
            "DMT",
            "DKT",
            "DNG",
            "DSK",
            "DTS",
            "TSC",
            "TON",
            "TIN",
            "NTD",
        ],
    },
    {
        "key": "other",
        "label": _("Other land"),
        "colour": "#ececec",
        "codes": [],
    },
]


def legend() -> list[dict]:
    """Return the groups with their labels translated, for the page and JS."""
    return [{**group, "label": str(group["label"])} for group in LAND_USE_GROUPS]
