"""docs/domain.md's permission tables cannot drift from what is tested.

- "Who may open which page" is generated from tests/security/authorization_matrix.toml (which the
  authorization tests run against the site) by docs/permission_table.py; the committed section
  must equal a fresh rendering.
- "Who reads a statement's text" is checked against the code: for a statement in each state,
  each role's StatementQuerySet.visible_to must answer what the table says.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

from promotions.models import Statement
from tests.factories import (
    PanelSeatFactory,
    ProgramAdminFactory,
    UserFactory,
)
from tests.factories.worlds import STATE_FACTORIES
from tests.factories.worlds import superuser as make_superuser

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT / "docs" / "domain.md"

spec = importlib.util.spec_from_file_location("permission_table", ROOT / "docs/permission_table.py")
permission_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(permission_table)


def matrix() -> dict:
    return tomllib.loads(permission_table.MATRIX.read_text(encoding="utf-8"))


def committed_section() -> str:
    document = DOMAIN.read_text(encoding="utf-8")
    start = document.index(permission_table.BEGIN)
    end = document.index(permission_table.END) + len(permission_table.END)
    return document[start:end]


def test_the_page_table_is_the_matrix():
    assert committed_section() == permission_table.render(matrix()), (
        "docs/domain.md is stale: run .venv/bin/python docs/permission_table.py"
    )


def test_a_changed_matrix_cell_shows_in_the_table():
    changed = matrix()
    dashboard = next(r for r in changed["row"] if r["url"] == "mentorship:program_dashboard")
    dashboard["GET"]["outsider"] = "200"
    assert committed_section() != permission_table.render(changed)


def test_the_check_refuses_a_stale_document(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "domain.md"
    stale.write_text(
        DOMAIN.read_text(encoding="utf-8").replace("| login |", "| 200 |", 1), encoding="utf-8"
    )
    monkeypatch.setattr(permission_table, "DOMAIN", stale)
    assert permission_table.main(["--check"]) == 1
    assert "differs from the matrix" in capsys.readouterr().out


# --- Who reads a statement's text ---------------------------------------------------------------

FACTORIES = STATE_FACTORIES


def statement_table() -> dict[str, list[bool]]:
    """state value -> [mentor, mentee, panel member, anyone else] as the doc's table says."""
    document = DOMAIN.read_text(encoding="utf-8")
    section = document.split("## Who reads a statement's text", 1)[1].split("\n## ", 1)[0]
    by_label = {str(label).lower(): value for value, label in Statement.State.choices}
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in by_label:
            rows[by_label[cells[0]]] = [c.startswith("yes") for c in cells[1:]]
    return rows


def test_the_statement_table_names_every_state():
    assert set(statement_table()) == set(Statement.State.values)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(FACTORIES))
def test_the_statement_table_is_what_visible_to_answers(state):
    statement = FACTORIES[state]()
    seat = PanelSeatFactory(review=statement.review)
    elsewhere = PanelSeatFactory()  # on another review's panel
    superuser = make_superuser()
    people = {
        "mentor": [statement.pair.mentor],
        "mentee": [statement.pair.mentee],
        "panel member": [seat.user],
        "anyone else": [
            statement.review.supervisor,
            ProgramAdminFactory(),
            superuser,
            elsewhere.user,
            UserFactory(),
        ],
    }
    says = dict(zip(people, statement_table()[state], strict=True))
    for role, users in people.items():
        for user in users:
            reads = Statement.objects.visible_to(user).filter(pk=statement.pk).exists()
            assert reads is says[role], (state, role, user.username)


def test_the_statement_table_is_parsed_as_written():
    # A guard on the parser: if it read nothing, the test above would compare nothing.
    table = statement_table()
    assert table[Statement.State.SHARED] == [True, True, True, False]
    assert table[Statement.State.DRAFT] == [True, False, False, False]
    assert re.search(r"\| draft \| yes \| no \|", DOMAIN.read_text(encoding="utf-8"))
