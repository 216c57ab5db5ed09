"""The national cadastral XML exchange: our schema, export and import.

See README.md beside this file for the schema's sources and what it
invents.
"""
