"""Duplicate people across agencies on the platform: linkage runs, the review of unsure pairs, merges and undos.

The engine is `sinergi.exchange.linkage` (no Django); this package is its Django side: the background task
that runs it over the people table, the selectors that show a reviewer only pairs of people their agency may
see (`Person.objects.restrict`), and the audited services that merge, keep apart and undo.
"""
