"""Synthetic cadastral map (bản đồ địa chính mẫu) of former Bình Phước.

`lis sample-data` writes it; the parcel importer reads it. The parcels are
fictional, but they sit in real communes of the administrative catalogue in
force until 30/06/2025, near their real places, in the province's cadastral
CRS: EPSG:9212, VN-2000 / TM-3 central meridian 106°15′.

File format
===========

One layer of MultiPolygons (one polygon each), CRS EPSG:9212, one feature
per parcel (thửa đất), ordered by commune, map sheet and parcel number.

==============  ==========  =====  ===========================================
GPKG / GeoJSON  Shapefile   type   meaning
==============  ==========  =====  ===========================================
maDVHCXa        MaXa        text   commune code, catalogue before 1/7/2025
                                   (5 digits, e.g. "25195")
soHieuToBanDo   SHBANDO     int    map sheet number, from 1 in each commune
soThuTuThua     SHTHUA      int    parcel number, from 1 in each sheet, left
                                   to right and top to bottom
loaiDat         LoaiDat     text   land-use leaf code, TT 08/2024
dienTich        DienTich    real   legal area in m², 1 decimal; within ±0.5 %
                                   of the geometric area, never equal to it
diaChi          DiaChi      text   "Ấp 3, Xã Lộc Thái", "Khu phố 2, Phường
                                   Tân Phú", "Thôn 1, Xã Đoàn Kết"
tyLe            TyLe        int    sheet scale: 1000 (phường, thị trấn), 2000
                                   (xã), 5000 (forest sheets of a xã)
tenChu          TenChu      text   owner: person ("Nguyễn Văn An") or company;
                                   empty for public land
namSinh         NamSinh     int    owner's birth year; null for companies and
                                   public land
soGiayTo        SoGiayTo    text   12-digit CCCD of a person, 10-digit tax
                                   code of a company; empty for public land
doiTuong        DoiTuong    text   CNV person, TKT company, TCQ public land
                                   managed by the State (TT 08/2024)
tenChu2         TenChu2     text   spouse named on the certificate, or empty
namSinh2        NamSinh2    int    spouse's birth year, or null
soGiayTo2       SoGiayTo2   text   spouse's CCCD, or empty
soPhatHanh      SoPhatHanh  text   certificate serial "BĐ 123456", unique in
                                   the file; empty without certificate
soVaoSo         SoVaoSo     text   register number "CH01234", "CS 01234" or
                                   "CT01234", unique per commune; or empty
ngayCap         NgayCap     text   certificate issue date "YYYY-MM-DD"
                                   (2005-2024), or empty
==============  ==========  =====  ===========================================

Text is UTF-8 in NFC. Integers are 32-bit (GPKG MEDIUMINT, DBF Integer);
legal areas are doubles. Files are written by Debian's GDAL through
`lis.exchange.vector_files`, which sets the types from the values.

Per format:

- GeoPackage (default, `.gpkg`): layer `thua_dat`; GeoPackage 1.2, the
  version GDAL 3.6 writes by default.
- Shapefile (`.shp`): the short names above (DBF allows 10 characters),
  UTF-8 with a `.cpg` file; text fields are sized to their longest value.
  Shapefiles have no multi-polygon type: parcels read back as Polygons.
  DBF cannot tell an empty text from a missing one, so readers get null
  where the other formats have "".
- GeoJSON (`.geojson`): EPSG:9212 coordinates, which RFC 7946 does not
  allow (it requires WGS84). The file names its CRS in a "crs" member
  ("urn:ogc:def:crs:EPSG::9212") as GDAL writes and reads it. Coordinates
  read back as the same millimetre values, though GDAL prints some with
  15 decimals (568563.020999999949709 for 568563.021).

Geometry: every vertex is a whole millimetre. Map sheets are rectangles of
a grid per commune (500 m at 1:1000, 1 km at 1:2000, 3 km at 1:5000;
smaller for small samples). The parcels of a sheet tile it exactly, and
neighbouring parcels share every vertex on their common edges, so each
commune block is a valid polygon coverage.

Communes: 100 to 499 parcels cover three communes (Phường Tân Phú, Xã Lộc
Thái, Xã Đoàn Kết); from 500 parcels, six (see `communes`). The same
`--seed` and `--parcels` always give the same attributes and geometries.
"""

from .generator import DEFAULT_SEED, MAX_PARCELS, MIN_PARCELS, SampleMap, generate
from .writer import EPSG, FIELDS, FORMATS, LAYER, SUFFIXES, field_names, write_sample

__all__ = [
    "DEFAULT_SEED",
    "EPSG",
    "FIELDS",
    "FORMATS",
    "LAYER",
    "MAX_PARCELS",
    "MIN_PARCELS",
    "SUFFIXES",
    "SampleMap",
    "field_names",
    "generate",
    "write_sample",
]
