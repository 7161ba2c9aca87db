"""Record linkage of person records across agencies (pure Python engine: no Django import).

- `names`: the Indonesian-aware name key (Muhammad/Moh./M., Achmad/Ahmad, old spelling, bin/binti, titles).
- `features`: canonical columns -> the feature table (NIK birth date, sex and region; E.164 phones; regions).
- `model`: the Splink settings, unsupervised training, saved and versioned models.
- `pipeline`: one run on DuckDB or Spark, pairs and clusters out.
- `scoring`: one new person against candidate records (the intake duplicate warning).
- `synthetic`: generated records with known clusters for tests and benchmarks.
"""
