"""Django's SQLite backend, with one difference: integer fields have the ranges they have
on PostgreSQL (a small integer up to 32,767, an integer up to 2,147,483,647) instead of
SQLite's 64 bits for every column. Model validation and the API's input bounds are then the
same on the embedded default as in production, and so is the OpenAPI document generated from
them (`docs/openapi.json` is compared with it in both CI phases)."""

from __future__ import annotations

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    integer_field_range = BaseDatabaseOperations.integer_field_range


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
