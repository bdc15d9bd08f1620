"""Querysets compiled once per process and run with each request's values.

Building and compiling a queryset costs Django about a millisecond; a page that runs the same
scoped read on every request pays it every time, although only the ids differ. A Prepared
statement builds its queryset once (per database), from the permission module's own querysets,
for stand-in ids no row has, and each call runs that SQL with the stand-ins replaced by the
caller's ids: the conditions stay those of `visible_to`, only Django's per-query work goes.

On PostgreSQL the SQL is also a prepared statement of the database session (PREPARE once per
session, then EXECUTE), so the database stops parsing and planning it anew on every request:
for these short indexed reads planning cost more than running them. Behind a pooler that hands
out server sessions per transaction (PgBouncer's transaction mode) a statement prepared on one
session is missing on the next: `settings.DATABASE_PREPARED_STATEMENTS = False` sends the plain
SQL instead.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# Ids no row has (sequences start at 1, random ids below 2**63), one per id parameter.
_STAND_INS = (-7_700_000_000_000_101, -7_700_000_000_000_202, -7_700_000_000_000_303)
# Ids every integer column can hold (a positive small integer's range too): each statement is
# also compiled with these, never run, and must come out the same, because Django leaves out a
# comparison whose value the column cannot hold (in exclude() the condition then vanishes, and
# the query matches more rows).
_SMALL_STAND_INS = (101, 202, 303)
# Moments no condition of a real page is built for, one per moment parameter.
_MOMENTS = (
    datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC),
    datetime.datetime(1901, 2, 3, 4, 5, 7, 789, tzinfo=datetime.UTC),
)


@dataclass(frozen=True)
class _Statement:
    """One compiled variant, with everything a call needs that does not depend on its values
    (found once: Django works each of them out again on every iteration of a queryset)."""

    compiler: SQLCompiler
    sql: str  # Django's SQL, with the driver's %s placeholders
    slots: tuple  # per placeholder: the parameter's name, or ("value", the built-in value)
    name: str  # the PostgreSQL prepared statement's name: a hash of the SQL's text
    numbered: str  # the SQL with PostgreSQL's $1, $2... placeholders, for PREPARE
    execute: str  # EXECUTE name (%s, ...) with the SQL in a comment
    converters: dict  # compiler.get_converters() of the queryset's columns
    instances: _Instances | None  # how a row becomes a model instance, for instances()


class Prepared:
    """`Prepared(Agreement, lambda viewer, pair: Agreement.objects.visible_to(User(pk=viewer))...,
    "viewer", "pair")`: the builder takes ids by name and must use each of them (as a plain
    value, never in arithmetic); `instances(viewer=..., pair=...)` gives the queryset's model
    instances, `rows(...)` a values_list() queryset's rows.

    `moments=("since",)` names parameters that are aware datetimes ("changed since..."), built
    for a stand-in moment. `key=(...)`, passed to `instances`/`rows`, names whatever else the
    built queryset depends on (a page's slice, a number of rows...): the builder is called as
    `build(*key, **stand_ins)`, and each key is compiled once."""

    MAX_COMPILED = 64  # variants kept per statement: a few page sizes, one or two databases

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet],
        *names: str,
        moments: tuple[str, ...] = (),
    ):
        if len(names) > len(_STAND_INS) or len(moments) > len(_MOMENTS):
            raise ValueError("Too many parameters for a prepared statement.")
        if "key" in (*names, *moments) or len({*names, *moments}) != len(names) + len(moments):
            raise ValueError("Parameter names must be distinct and not 'key'.")
        self._model = model
        self._build = build
        self._names = names
        self._moments = moments
        self._compiled: dict[tuple, _Statement] = {}

    def _statement(self, connection, key: tuple, instances: bool) -> _Statement:
        cache_key = (connection.alias, connection.vendor, key, instances)
        statement = self._compiled.get(cache_key)
        if statement is not None:
            return statement
        if len(self._compiled) >= self.MAX_COMPILED:
            self._compiled.pop(next(iter(self._compiled)))  # the oldest variant
        compiler, sql, params, slots = self._compile(connection, key, instances, _STAND_INS)
        _, small_sql, _, small_slots = self._compile(connection, key, instances, _SMALL_STAND_INS)
        if (small_sql, small_slots) != (sql, slots):
            raise ValueError(
                "The statement depends on the ids' values (a condition Django leaves out for "
                "an id its column cannot hold?): refused."
            )
        missing = {*self._names, *self._moments} - {s for s in slots if isinstance(s, str)}
        if missing:
            # A parameter the SQL does not carry would be silently ignored: refuse.
            raise ValueError(f"The statement does not use {sorted(missing)}.")
        # Named by its text, so one name is one statement in every process: a server session
        # shared through a pooler can never run another query under this name.
        name = f"prepared_{connection.vendor}_{hashlib.sha256(sql.encode()).hexdigest()[:24]}"
        numbered = sql % tuple(f"${n}" for n in range(1, len(params) + 1))
        # The statement's text rides along as a comment, so what a query log (tests, the
        # bench) shows still says what is read; a % in it is the driver's to unescape.
        placeholders = ", ".join(["%s"] * len(params))
        execute = f"EXECUTE {name} ({placeholders}) /* {numbered.replace('%', '%%')} */"
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("A composite primary key is not supported.")
        statement = _Statement(
            compiler,
            sql,
            slots,
            name,
            numbered,
            execute,
            compiler.get_converters(columns),
            _Instances.of(compiler, connection.alias) if instances else None,
        )
        self._compiled[cache_key] = statement
        return statement

    def _compile(self, connection, key: tuple, instances: bool, ids: tuple[int, ...]):
        """(compiler, sql, params, slots) of the queryset built for these stand-in ids."""
        stand_ins = {
            **dict(zip(self._names, ids, strict=False)),
            **dict(zip(self._moments, _MOMENTS, strict=False)),
        }
        queryset = self._build(*key, **stand_ins)
        _check_buildable(queryset, instances)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # A parameter is found in the SQL's parameters as Django adapted it (a moment is a
        # string on SQLite).
        adapted = {name: _adapt(connection, value) for name, value in stand_ins.items()}
        slots = tuple(
            next((name for name, value in adapted.items() if _same(param, value)), ("value", param))
            for param in params
        )
        return compiler, sql, params, slots

    def _run(self, key: tuple, values: dict, instances: bool) -> tuple[_Statement, list]:
        if set(values) != {*self._names, *self._moments}:
            raise TypeError(
                f"Needs exactly {sorted((*self._names, *self._moments))}, got {sorted(values)}."
            )
        using = router.db_for_read(self._model)
        connection = connections[using]
        statement = self._statement(connection, tuple(key), instances)
        values = {
            name: _adapt(connection, value) if name in self._moments else value
            for name, value in values.items()
        }
        params = [values[s] if isinstance(s, str) else s[1] for s in statement.slots]
        return statement, _execute(connection, statement, params)

    def instances(self, *, key: tuple = (), **values) -> list[Model]:
        """The queryset's model instances, with its select_related objects and annotations,
        built as Django's ModelIterable builds them from the rows."""
        statement, found = self._run(key, values, instances=True)
        return statement.instances.build(_converted(statement, found))

    def rows(self, *, key: tuple = (), **values) -> list[tuple]:
        """The rows of a values()/values_list() queryset as tuples, in its columns' order,
        converted as Django converts them (dates on SQLite, for one). (Of any other queryset:
        the columns it selects, in the SELECT's order.)"""
        statement, found = self._run(key, values, instances=False)
        if not statement.converters:
            return found
        return [tuple(row) for row in _converted(statement, found)]

    def pages(self, *key, **values) -> _Pages:
        """The rows as `page_of` slices them: `build(*key, start, stop, **ids)` is the
        queryset's slice; the first page compiled once, later ones read as a queryset."""
        return _Pages(self, key, values)


@dataclass(frozen=True)
class _Pages:
    statement: Prepared
    key: tuple
    values: dict

    def __getitem__(self, rows: slice) -> list[tuple]:
        if rows.step is not None:
            raise TypeError("A page is a slice without a step.")
        if rows.start:
            # Only the first page is compiled once: a later one is whatever number the address
            # asks for, and one compiled (and on PostgreSQL prepared) statement per number would
            # let anyone fill the process's statements and the database session's memory.
            queryset = self.statement._build(*self.key, rows.start, rows.stop, **self.values)
            return list(queryset)
        return self.statement.rows(key=(*self.key, rows.start, rows.stop), **self.values)


def _adapt(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _same(param, value) -> bool:
    # A stand-in id must not match a moment (or True match 1): same type and value.
    return type(param) is type(value) and param == value


def _check_buildable(queryset: QuerySet, instances: bool) -> None:
    """What the rows alone cannot give back is refused rather than silently dropped."""
    if instances and queryset._iterable_class is not ModelIterable:
        raise ValueError("instances() needs a queryset of model instances; use rows().")
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        # Prefetches are more queries, and known related objects (a related manager's
        # instance) would be the stand-in's.
        raise ValueError("A prepared statement is one query of its own rows.")


def _execute(connection, statement: _Statement, params: list) -> list[tuple]:
    """The statement's rows: on PostgreSQL (unless the setting says not to) through a prepared
    statement of the current database session, elsewhere as plain SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS:
            name = statement.name
            prepared = _prepared_statements(connection)
            if name not in prepared:
                # Once per database session, past the query log, so a page's query count is
                # the same on its first request as on every other. (PREPARE is not undone by
                # a rollback: a statement prepared in a failed transaction stays prepared.) A
                # session a pooler hands over may already hold it, prepared by another
                # process: under this name that can only be this SQL, so it is used as is.
                cursor.cursor.execute(
                    "SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name]
                )
                if cursor.cursor.fetchone() is None:
                    cursor.cursor.execute(f"PREPARE {name} AS {statement.numbered}")
                prepared.add(name)
            cursor.execute(statement.execute, params)
        else:
            cursor.execute(statement.sql, params)
        found = cursor.fetchall()
    if statement.compiler.has_extra_select:
        # Columns added for ORDER BY with DISTINCT are not the queryset's: Django drops them.
        found = [row[: statement.compiler.col_count] for row in found]
    return found


def _prepared_statements(connection) -> set[str]:
    """The names PREPAREd on the connection's current database session (a new session, after
    a reconnect, has none)."""
    session = (id(connection.connection), connection.connection.info.backend_pid)
    if getattr(connection, "_prepared_session", None) != session:
        connection._prepared_session = session
        connection._prepared_names = set()
    return connection._prepared_names


def _converted(statement: _Statement, found: list[tuple]):
    """The rows as compiler.results_iter() converts them, with the converters found once."""
    if not statement.converters:
        return found
    return statement.compiler.apply_converters(found, statement.converters)


@dataclass(frozen=True)
class _Instances:
    """How Django 5.2's ModelIterable.__iter__ makes model instances of a query's rows, copied
    from it: the part before the loop is worked out once per statement (it depends on the
    compiled query only), the loop is run per call. Known related objects are left out
    (_check_buildable refuses them). tests/mentorship/test_prepared_statements.py compares this
    with the queryset's own iteration, so a Django upgrade that changes ModelIterable fails
    there."""

    using: str
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    related_populators: list
    annotation_col_map: dict[str, int]

    @classmethod
    def of(cls, compiler: SQLCompiler, using: str) -> _Instances:
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return cls(
            using=using,
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            # A RelatedPopulator keeps no state between rows, so one serves every call.
            related_populators=get_related_populators(klass_info, select, using),
            annotation_col_map=compiler.annotation_col_map,
        )

    def build(self, rows) -> list[Model]:
        objects = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for name, position in self.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
