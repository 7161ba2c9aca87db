"""Standard exports: the anonymised HTCDS/CTDC case-level dataset, as a Frictionless data package."""
