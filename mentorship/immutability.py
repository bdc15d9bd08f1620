"""What may never change, and how a status may move, declared once per model.

A model lists its rules in one `Guard`: `Frozen` rules (these columns, or the whole row, never
change while the stored row matches a condition; optionally the row is never deleted) and
`Transitions` (a status moves only along the declared edges). Both sides are derived from it:

* Python (`GuardedModel`, `GuardedQuerySet`): save() and delete() compare with the values the
  object was loaded with (kept by `from_db`, as Django's documentation suggests), so the guard
  costs no query on the usual path; queryset update() and delete() ask the database only for
  the rows a rule could concern. This is all SQLite has.
* PostgreSQL (`GuardTrigger`): one BEFORE UPDATE/DELETE trigger per model whose PL/pgSQL body
  is generated from the same rules, so raw SQL and `_base_manager` are refused too.

The loaded values are what the guard trusts: an object built by hand with an existing primary
key (never loaded) is compared with the stored row, read once. Services lock and load the rows
they change, so what they loaded is what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils.text import capfirst


class PublishedRecordError(ValidationError):
    """Raised when code tries to change or delete a record that must never change."""


ALL_FIELDS = "__all__"


@dataclass(frozen=True)
class Frozen:
    """While the stored row matches `when`, `fields` never change.

    fields: None, the row takes no UPDATE at all (not even one writing the same values);
    ALL_FIELDS, no column may change; otherwise the named fields. `{records}` in the message
    is the model's plural name.
    """

    message: str
    fields: tuple[str, ...] | str | None = None
    when: Q = field(default_factory=Q)
    delete: bool = False
    update: bool = True

    def error(self, model) -> PublishedRecordError:
        return PublishedRecordError(self.text(model), code="frozen")

    def text(self, model) -> str:
        return self.message.replace("{records}", str(capfirst(model._meta.verbose_name_plural)))


@dataclass(frozen=True)
class Transitions:
    """The edges a status field may move along: {from: {to, ...}}. Staying put is always
    allowed; a state missing from `moves` is final. `when` limits the rule to stored rows that
    match it (e.g. an agreement whose terms were proposed)."""

    field: str
    moves: Mapping[str, frozenset[str]]
    noun: str
    when: Q = field(default_factory=Q)
    choices: Mapping[str, str] = field(default_factory=dict)

    def allows(self, old: str, new: str) -> bool:
        return old == new or new in self.moves.get(old, ())

    def targets(self, old: str) -> frozenset[str]:
        return frozenset(self.moves.get(old, ()))

    def label(self, value: str) -> str:
        return str(self.choices.get(value, value)).lower()

    def check(self, old: str, new: str) -> None:
        if not self.allows(old, new):
            raise PublishedRecordError(
                f"{self.noun} cannot go from {self.label(old)} to {self.label(new)}.",
                code="transition",
            )


def transitions(
    field_name: str,
    moves: Mapping[Any, Iterable[Any]],
    *,
    noun: str,
    choices,
    when: Q | None = None,
) -> Transitions:
    """A Transitions from a TextChoices-keyed dict."""
    return Transitions(
        field=field_name,
        moves={str(old): frozenset(str(new) for new in news) for old, news in moves.items()},
        noun=noun,
        when=when if when is not None else Q(),
        choices=dict(choices.choices),
    )


@dataclass(frozen=True)
class Guard:
    frozen: tuple[Frozen, ...] = ()
    transitions: tuple[Transitions, ...] = ()

    # --- Python ---------------------------------------------------------------------------

    def watched(self, model) -> set[str]:
        """Every column a rule reads: what the stored row must provide."""
        names: set[str] = set()
        for rule in self.frozen:
            names |= _q_fields(rule.when)
            if rule.fields == ALL_FIELDS:
                names |= {f.name for f in model._meta.concrete_fields}
            elif rule.fields:
                names |= set(rule.fields)
        for moves in self.transitions:
            names |= _q_fields(moves.when) | {moves.field}
        return {model._meta.get_field(name).attname for name in names}

    def check_save(self, instance, stored: Mapping[str, Any], *, validating: bool = False) -> None:
        model = type(instance)
        for rule in self.frozen:
            if not rule.update or not row_matches(model, rule.when, stored):
                continue
            if rule.fields is None and not validating:
                raise rule.error(model)
            if rule.fields is None:
                # A form validating a frozen record it shows (an admin inline) is not a change
                # to it; only a value that differs is, and save() still refuses any UPDATE.
                loaded = getattr(instance, "_loaded", {})
                if any(
                    getattr(instance, f.attname) != loaded.get(f.attname, stored.get(f.attname))
                    for f in model._meta.concrete_fields
                    if f.attname in loaded or f.attname in stored
                ):
                    raise rule.error(model)
                continue
            if any(getattr(instance, name) != stored[name] for name in _attnames(model, rule)):
                raise rule.error(model)
        for moves in self.transitions:
            if row_matches(model, moves.when, stored):
                attname = model._meta.get_field(moves.field).attname
                moves.check(stored[attname], getattr(instance, attname))

    def check_delete(self, model, stored: Mapping[str, Any]) -> None:
        for rule in self.frozen:
            if rule.delete and row_matches(model, rule.when, stored):
                raise rule.error(model)

    def check_bulk_update(self, queryset, values: Mapping[str, Any]) -> None:
        model = queryset.model
        written = {model._meta.get_field(name).attname for name in values}
        rows = queryset.order_by()
        for rule in self.frozen:
            if not rule.update:
                continue
            if rule.fields is None or rule.fields == ALL_FIELDS:
                touched = True
            else:
                touched = bool(written & set(_attnames(model, rule)))
            if touched and (not rule.when or rows.filter(rule.when).exists()):
                raise rule.error(model)
        for moves in self.transitions:
            attname = model._meta.get_field(moves.field).attname
            if attname not in written:
                continue
            new = values.get(moves.field, values.get(attname))
            concerned = rows.filter(moves.when) if moves.when else rows
            olds = concerned.values_list(attname, flat=True).distinct()
            if isinstance(new, Combinable | models.Expression):
                # A computed status cannot be checked before it is written.
                if olds.exists():
                    raise PublishedRecordError(
                        f"{moves.noun} moves one at a time, through save().", code="transition"
                    )
                continue
            for old in olds:
                moves.check(old, new)

    def check_bulk_delete(self, queryset) -> None:
        model = queryset.model
        for rule in self.frozen:
            if not rule.delete:
                continue
            if not rule.when or queryset.order_by().filter(rule.when).exists():
                raise rule.error(model)

    # --- PostgreSQL -----------------------------------------------------------------------

    def operation(self):
        operations = []
        if any(rule.update for rule in self.frozen) or self.transitions:
            operations.append(pgtrigger.Update)
        if any(rule.delete for rule in self.frozen):
            operations.append(pgtrigger.Delete)
        if len(operations) == 1:
            return operations[0]
        return operations[0] | operations[1]

    def plpgsql(self, model) -> str:
        """The trigger body: one IF per rule, in the order they are declared."""
        updates, deletes = [], []
        for rule in self.frozen:
            when = _old_sql(model, rule.when)
            if rule.update:
                changed = _and(when, _changed_sql(model, rule))
                updates.append(_refuse_if(changed, _raise("update", rule.text(model))))
            if rule.delete:
                deletes.append(_refuse_if(when, _raise("delete", rule.text(model))))
        for moves in self.transitions:
            column = model._meta.get_field(moves.field).column
            allowed = " OR ".join(
                f"(OLD.{column} = {_literal(old)} AND NEW.{column} IN "
                f"({', '.join(_literal(new) for new in sorted(news))}))"
                for old, news in sorted(moves.moves.items())
                if news
            )
            moved = f"OLD.{column} IS DISTINCT FROM NEW.{column}"
            if allowed:
                moved = f"{moved} AND NOT ({allowed})"
            message = f"Cannot update: {moves.noun} cannot go from % to %."
            refusal = f"RAISE EXCEPTION {_literal(message)}, OLD.{column}, NEW.{column};"
            updates.append(_refuse_if(_and(_old_sql(model, moves.when), moved), refusal))
        lines = []
        if updates:
            lines += ["IF TG_OP = 'UPDATE' THEN", *updates, "END IF;"]
        if deletes:
            lines += ["IF TG_OP = 'DELETE' THEN", *deletes, "RETURN OLD;", "END IF;"]
        lines.append("RETURN NEW;")
        return "\n".join(lines)


class GuardTrigger(pgtrigger.Trigger):
    """A Guard as one BEFORE UPDATE/DELETE row trigger.

    `guard` may be a callable returning it, so that Meta can name the guard a model declares
    in its own body (`lambda: Pair.guard`): it is read when the trigger is compiled.
    """

    when = pgtrigger.Before
    operation = pgtrigger.Update  # replaced by the guard's own when compiled

    def __init__(self, *, name: str, guard: Guard | Callable[[], Guard]):
        self._guard = guard
        super().__init__(name=name)

    @property
    def guard(self) -> Guard:
        return self._guard if isinstance(self._guard, Guard) else self._guard()

    def compile(self, model):
        self.operation = self.guard.operation()
        return super().compile(model)

    def get_func(self, model):
        return self.guard.plpgsql(model)


class RefuseTruncate(pgtrigger.Trigger):
    """PostgreSQL: refuse TRUNCATE of an append-only table.

    TRUNCATE empties a table in one statement without touching rows, so the row-level triggers
    never fire for it; this statement-level BEFORE TRUNCATE trigger does, also when the table is
    reached by another table's TRUNCATE ... CASCADE. (pgtrigger.Protect cannot say this: at
    statement level it becomes an AFTER trigger reading transition tables, which TRUNCATE does
    not have.) `manage.py flush` ignores exactly these triggers
    (mentorship/management/commands/flush.py).
    """

    when = pgtrigger.Before
    operation = pgtrigger.Truncate
    level = pgtrigger.Statement
    func = "RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;"


def append_only_guard() -> Guard:
    return Guard(frozen=(Frozen("{records} are append-only.", fields=None, delete=True),))


def append_only_triggers(table: str) -> list[pgtrigger.Trigger]:
    """Every UPDATE, DELETE and TRUNCATE of an append-only table refused: `<table>_append_only`
    and `<table>_no_truncate`."""
    return [
        GuardTrigger(name=f"{table}_append_only", guard=append_only_guard()),
        RefuseTruncate(name=f"{table}_no_truncate"),
    ]


class GuardedQuerySet(models.QuerySet):
    """Bulk writes skip save() and delete(): the model's guard checks them here, so SQLite
    refuses them too (PostgreSQL's trigger would). bulk_update() goes through update()."""

    def update(self, **kwargs):
        self.model.guard.check_bulk_update(self, kwargs)
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        self.model.guard.check_bulk_delete(self)
        return super().delete()

    delete.queryset_only = True
    delete.alters_data = True

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        # An upsert is an UPDATE that never passes through save() or update().
        if update_conflicts:
            raise PublishedRecordError(
                f"{self.model._meta.verbose_name_plural.capitalize()} are not upserted: "
                "save each one, so that its guard can check it.",
                code="frozen",
            )
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True


def guarded_manager(queryset_class: type[models.QuerySet] = models.QuerySet) -> models.Manager:
    """The manager of a guarded model whose reads come from `queryset_class`."""
    if issubclass(queryset_class, GuardedQuerySet):
        return queryset_class.as_manager()
    name = f"Guarded{queryset_class.__name__}"
    return type(name, (GuardedQuerySet, queryset_class), {}).as_manager()


@cache
def _watched(model) -> frozenset[str]:
    """The model's watched columns, worked out once: every save and clean asks."""
    return frozenset(model.guard.watched(model))


class GuardedModel(models.Model):
    """save() and delete() checked against the model's Guard without a query (see above)."""

    guard: ClassVar[Guard] = Guard()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        stored = self._stored_row()
        if stored is not None:
            self.guard.check_save(self, stored)
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self._remember(
                f.attname
                for f in self._meta.concrete_fields
                if f.attname not in self.get_deferred_fields()
            )
        else:
            self._remember(self._meta.get_field(name).attname for name in update_fields)

    def delete(self, *args, **kwargs):
        stored = self._stored_row()
        if stored is not None:
            self.guard.check_delete(type(self), stored)
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        deferred = self.get_deferred_fields()
        self._remember(
            f.attname
            for f in self._meta.concrete_fields
            if f.attname not in deferred
            and (fields is None or f.attname in fields or f.name in fields)
        )

    def clean(self) -> None:
        super().clean()
        stored = self._stored_row()
        if stored is not None:
            self.guard.check_save(self, stored, validating=True)

    def _remember(self, attnames: Iterable[str]) -> None:
        loaded = getattr(self, "_loaded", None)
        if loaded is None:
            loaded = self._loaded = {}
        loaded.update((name, getattr(self, name)) for name in attnames)

    def _stored_row(self) -> dict[str, Any] | None:
        """The stored values the guard compares with; None for a row not yet inserted."""
        if self.pk is None or (self._state.adding and self._meta.pk.has_default()):
            return None
        watched = _watched(type(self))
        loaded = getattr(self, "_loaded", None)
        if (
            loaded is not None
            and not self._state.adding
            and watched <= loaded.keys()
            # Loaded as another row (its pk reassigned): that row's values say nothing here.
            and loaded.get(self._meta.pk.attname, self.pk) == self.pk
        ):
            return loaded
        # Built by hand with an existing primary key, or loaded without a watched column.
        rows = (
            type(self)
            ._base_manager.using(self._state.db or "default")
            .filter(pk=self.pk)
            .order_by()
            .values(*watched)
        )
        row = next(iter(rows), None)
        if row is not None:
            # The row exists: this object is an update of it from now on, compared with it.
            self._state.adding = False
            self._loaded = {**(loaded or {}), **row, self._meta.pk.attname: self.pk}
        return row

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # The guard judged the write against the values this object remembers; the UPDATE only
        # lands if the stored row still holds them, so a stale copy cannot overwrite a row that
        # moved on since it was read (signed since, closed since). No extra query: the row is
        # looked up again only when the UPDATE matched nothing.
        loaded = getattr(self, "_loaded", None) or {}
        expected = {
            name: loaded[name]
            for name in _watched(type(self))
            if name in loaded and name != self._meta.pk.attname
        }
        if not values or not expected:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if base_qs.filter(pk=pk_val, **expected)._update(values) > 0:
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise PublishedRecordError(
                f"This {self._meta.verbose_name} changed since it was read; read it again.",
                code="stale",
            )
        return False


# --- Reading a condition on the stored row ----------------------------------------------------


def _q_fields(q: Q) -> set[str]:
    names: set[str] = set()
    for child in q.children:
        if isinstance(child, Q):
            names |= _q_fields(child)
        else:
            names.add(child[0].split("__")[0])
    return names


def row_matches(model, q: Q, row: Mapping[str, Any]) -> bool:
    """The condition evaluated on a stored row (lookups: exact, in, isnull)."""
    if not q.children:
        return True
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(row_matches(model, child, row))
            continue
        lookup, expected = child
        name, _, operator = lookup.partition("__")
        value = row[model._meta.get_field(name).attname]
        if operator in ("", "exact"):
            results.append(value == expected)
        elif operator == "in":
            results.append(value in expected)
        elif operator == "isnull":
            results.append((value is None) == expected)
        else:
            raise ValueError(f"Guard conditions support exact, in and isnull, not {operator}.")
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


def _attnames(model, rule: Frozen) -> list[str]:
    if rule.fields == ALL_FIELDS:
        return [f.attname for f in model._meta.concrete_fields]
    return [model._meta.get_field(name).attname for name in rule.fields]


def _as_old(q: Q) -> pgtrigger.Q:
    old = pgtrigger.Q()
    old.connector, old.negated = q.connector, q.negated
    old.children = [
        _as_old(child) if isinstance(child, Q) else (f"old__{child[0]}", child[1])
        for child in q.children
    ]
    return old


def _old_sql(model, q: Q) -> str:
    return _as_old(q).resolve(model) if q.children else "TRUE"


def _changed_sql(model, rule: Frozen) -> str:
    if rule.fields is None:
        return "TRUE"
    if rule.fields == ALL_FIELDS:
        return "OLD.* IS DISTINCT FROM NEW.*"
    columns = [model._meta.get_field(name).column for name in rule.fields]
    return "(" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns) + ")"


def _and(*conditions: str) -> str:
    kept = [c for c in conditions if c != "TRUE"]
    return " AND ".join(f"({c})" for c in kept) if kept else "TRUE"


def _refuse_if(condition: str, refusal: str) -> str:
    return refusal if condition == "TRUE" else f"IF {condition} THEN {refusal} END IF;"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raise(operation: str, message: str) -> str:
    text = f"Cannot {operation} row % of %: " + message.replace("%", "%%")
    return f"RAISE EXCEPTION {_literal(text)}, OLD.id, TG_TABLE_NAME;"
