"""Word-prefix text search on PostgreSQL, shared by the region autocomplete and the people search.

`WordPrefixMatch("name_search", ["kota", "banj"])` is true when every word begins a word of the column:
`to_tsvector('simple', col) @@ to_tsquery('simple', 'kota:* & banj:*')`. A GIN index on exactly
`to_tsvector('simple'::regconfig, col)` serves it (regions migration 0003, people migration 0004). Trigram
indexes answer the same question much more slowly, see docs/decisions/0004-people-name-search.md.
`AnyWordMatch` asks the same index whether any of some words is a whole word of the column ('siti | rahayu').
PostgreSQL only: callers use `LIKE '% word%'` on other databases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F

_NOT_WORD = re.compile(r"[^a-z0-9]")


def tsquery_words(words: list[str]) -> str:
    """'kota:* & banj:*' from already lower-cased words; anything but a-z and 0-9 is dropped."""
    cleaned = [_NOT_WORD.sub("", w) for w in words]
    return " & ".join(f"{w}:*" for w in cleaned if w)


def tsquery_terms(terms: Sequence[tuple[str, Sequence[str]]]) -> str:
    """'(muhammad:* | m | moh) & rizki:*' from (word, whole-word alternatives) pairs: each word as a prefix, or
    any of its alternatives as a whole word."""
    parts = []
    for word, alternatives in terms:
        options = [f"{w}:*" for w in [_NOT_WORD.sub("", word)] if w]
        options += [w for w in (_NOT_WORD.sub("", a) for a in alternatives) if w]
        if options:
            parts.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
    return " & ".join(parts)


def tsquery_any_word(words: Sequence[str]) -> str:
    """'siti | rahayu' from already lower-cased words: any of them as a whole word."""
    cleaned = dict.fromkeys(_NOT_WORD.sub("", w) for w in words)
    return " | ".join(w for w in cleaned if w)


class _TextMatch(Expression):
    """`to_tsvector('simple', column) @@ to_tsquery('simple', tsquery)`, the expression the GIN indexes hold."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, tsquery: str):
        super().__init__()
        self.column = F(column)
        self.tsquery = tsquery

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]  # Django takes a list of params too
        column_sql, params = compiler.compile(self.column)
        # Exactly the indexed expression, or PostgreSQL cannot use the index.
        sql = f"to_tsvector('simple'::regconfig, {column_sql}) @@ to_tsquery('simple'::regconfig, %s)"
        return sql, [*params, self.tsquery]


class WordPrefixMatch(_TextMatch):
    """Every word begins a word of the column; with `alternatives` ({word: whole words}), a word may instead be
    one of its alternatives (the spellings of one name)."""

    def __init__(self, column: str, words: list[str], alternatives: dict[str, Sequence[str]] | None = None):
        if alternatives:
            tsquery = tsquery_terms([(word, alternatives.get(word, ())) for word in words])
        else:
            tsquery = tsquery_words(words)
        super().__init__(column, tsquery)


class AnyWordMatch(_TextMatch):
    """Any of `words` is a whole word of the column (the words must not be empty after cleaning)."""

    def __init__(self, column: str, words: Sequence[str]):
        super().__init__(column, tsquery_any_word(words))
