"""Import of cadastral map files (Shapefile, GeoPackage, GeoJSON) into the cadastre.

The command line (`lis import-parcels`) and the web upload both call
`import_parcel_file`; nothing else writes imported parcels.
"""
