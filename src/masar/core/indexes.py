"""Index types whose form depends on the database.

`NameSearchIndex`: a trigram GIN index over `UPPER(field)` on PostgreSQL (the `pg_trgm`
extension), which serves Django's `icontains` (`UPPER(field::text) LIKE UPPER('%x%')`) for
any three letters or more. SQLite has no trigram index: there it is a plain index over the
same expression, and a name search reads the table (fine at the embedded sizes; ADR 0125).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Upper


class NameSearchIndex(models.Index):
    def __init__(self, *, field: str, name: str) -> None:
        self.search_field = field
        super().__init__(Upper(field), name=name)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path = f"{self.__class__.__module__}.{self.__class__.__name__}"
        return path, (), {"field": self.search_field, "name": self.name}

    def clone(self) -> NameSearchIndex:
        return NameSearchIndex(field=self.search_field, name=self.name)

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            from django.contrib.postgres.indexes import OpClass

            index = models.Index(
                OpClass(Upper(self.search_field), name="gin_trgm_ops"), name=self.name
            )
            return index.create_sql(model, schema_editor, using=" USING gin", **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class NamePrefixIndex(models.Index):
    """A B-tree over `UPPER(field)`, after `scope` when given (a foreign key's column), that
    serves a prefix search `UPPER(field) LIKE 'X%'` as a range read which stops at a page:
    `text_pattern_ops` on PostgreSQL (whose `C.UTF-8` and locale collations cannot serve
    `LIKE` otherwise); a plain index on SQLite, whose `LIKE` ignores it (a scan; ADR 0126)."""

    def __init__(self, *, field: str, name: str, scope: str = "") -> None:
        self.search_field = field
        self.scope = scope
        head = [models.F(scope)] if scope else []
        super().__init__(*head, Upper(field), name=name)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path = f"{self.__class__.__module__}.{self.__class__.__name__}"
        kwargs = {"field": self.search_field, "name": self.name}
        if self.scope:
            kwargs["scope"] = self.scope
        return path, (), kwargs

    def clone(self) -> NamePrefixIndex:
        return NamePrefixIndex(field=self.search_field, name=self.name, scope=self.scope)

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            from django.contrib.postgres.indexes import OpClass

            head = [models.F(self.scope)] if self.scope else []
            index = models.Index(
                *head, OpClass(Upper(self.search_field), name="text_pattern_ops"), name=self.name
            )
            return index.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
