"""The exchange schema (XSD) shipped in `schema/`, and its names."""

import functools
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "lis-dulieudatdai-1.0.xsd"
SCHEMA_NAME = SCHEMA_FILE.name
VERSION = "1.0"

GML_NS = "http://www.opengis.net/gml/3.2"
GML = f"{{{GML_NS}}}"

ROOT = "DuLieuDatDai"
HEADER = "ThongTinChung"
# Collections in the order the schema fixes, each with its record element.
COLLECTIONS = {
    "CaNhanCollection": "CaNhan",
    "ToChucCollection": "ToChuc",
    "VoChongCollection": "VoChong",
    "GiayChungNhanCollection": "GiayChungNhan",
    "QuyenSuDungDatCollection": "QuyenSuDungDat",
    "ThuaDatCollection": "DC_ThuaDat",
    "HoSoDangKyDatDaiCollection": "HoSoDangKyDatDai",
}
PARCEL = "DC_ThuaDat"
RECORDS = [HEADER, *COLLECTIONS.values()]


@functools.cache
def exchange_schema() -> etree.XMLSchema:
    """Load the XSD and its GML subset from the package, never the network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser))
