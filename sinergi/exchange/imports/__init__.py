"""Spreadsheet import of people, cases and departure screenings: read, map, preview, commit."""
