"""Querysets compiled once per process and run with each request's values.

Building and compiling a queryset costs Django about a millisecond; a page that runs the same
scoped read on every request pays it every time, although only the ids differ. A Prepared
statement builds its queryset once (per database), from the permission module's own querysets,
for stand-in ids no row has, and each call runs that SQL with the stand-ins replaced by the
caller's ids: the conditions stay those of `visible_to`, only Django's per-query work goes.
(The dashboard's roles query does the same: mentorship.selectors._roles_statement.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Ids no row has (sequences start at 1, random ids below 2**63), one per parameter.
_STAND_INS = (-7_700_000_000_000_101, -7_700_000_000_000_202, -7_700_000_000_000_303)


class Prepared:
    """`Prepared(Agreement, lambda viewer, pair: Agreement.objects.visible_to(User(pk=viewer))...,
    "viewer", "pair")`: the
    builder takes ids by name and must use each of them (as a plain value, never in
    arithmetic); `instances(viewer=..., pair=...)` gives the queryset's model instances."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], *names: str):
        if len(names) > len(_STAND_INS):
            raise ValueError("Too many parameters for a prepared statement.")
        self._model = model
        self._build = build
        self._names = names
        self._compiled: dict[tuple[str, str], tuple[QuerySet, object, str, list]] = {}

    def _statement(self, using: str) -> tuple[QuerySet, object, str, list]:
        connection = connections[using]
        key = (using, connection.vendor)
        if key not in self._compiled:
            stand_ins = dict(zip(self._names, _STAND_INS, strict=False))
            queryset = self._build(**stand_ins)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            slots = []
            for param in params:
                name = next((n for n, v in stand_ins.items() if param == v), None)
                slots.append(name if name is not None else ("value", param))
            missing = set(self._names) - {s for s in slots if isinstance(s, str)}
            if missing:
                # A parameter the SQL does not carry would be silently ignored: refuse.
                raise ValueError(f"The statement does not use {sorted(missing)}.")
            self._compiled[key] = (queryset, compiler, sql, slots)
        return self._compiled[key]

    def _params(self, slots: list, values: dict[str, int]) -> list:
        if set(values) != set(self._names):
            raise TypeError(f"Needs exactly {self._names}, got {sorted(values)}.")
        return [values[s] if isinstance(s, str) else s[1] for s in slots]

    def instances(self, **values: int) -> list[Model]:
        """The queryset's model instances, with its select_related objects and annotations,
        built as Django's ModelIterable builds them from the rows."""
        using = router.db_for_read(self._model)
        _, compiler, sql, slots = self._statement(using)
        params = self._params(slots, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        select, klass_info = compiler.select, compiler.klass_info
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        related_populators = get_related_populators(klass_info, select, using)
        objects = []
        for row in compiler.results_iter([found]):
            obj = model.from_db(using, init_list, row[start:end])
            for populator in related_populators:
                populator.populate(row, obj)
            for name, position in compiler.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def rows(self, **values: int) -> list[tuple]:
        """The rows of a values()/values_list() queryset as tuples, in its columns' order,
        converted as Django converts them (dates on SQLite, for one)."""
        using = router.db_for_read(self._model)
        _, compiler, sql, slots = self._statement(using)
        params = self._params(slots, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        if converters:
            found = [tuple(row) for row in compiler.apply_converters(found, converters)]
        return found
