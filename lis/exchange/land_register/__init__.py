"""Import of land registers (sổ địa chính as XLSX or CSV): land users,
rights and certificates of parcels that are already in the cadastre.

One row per owner of a parcel, keyed by the commune it was surveyed in,
the map sheet and the parcel number (maDVHCXa, soHieuToBanDo, soThuTuThua;
the commune may be given for the whole file instead). Columns, matched
without regard to case, spaces or diacritics (`columns.REGISTER_ALIASES`):

- the owner: tenChu (required), namSinh, doiTuong (object code of
  TT 08/2024), loaiGiayTo (CMND, CCCD, Hộ chiếu, ĐKKD; inferred from the
  number when absent), soGiayTo, ngayCapGiayTo, noiCapGiayTo, diaChi (the
  owner's address);
- the owner's share, phanQuyen: 1/2, 0,5, 0.5 or 50 %; the shares of a
  parcel sum to 1, or are all blank (equal shares);
- the parcel's certificate and origin: soPhatHanh, soVaoSo, ngayCap,
  coQuanCap, nguonGoc, given on one row of the parcel or the same on each.

A parcel that has rights already is refused: changing them is a
registration (issue #4). Rows are checked before anything is written; the
writes are one transaction with one audit record. The command line is
`lis import-register FILE`.
"""
