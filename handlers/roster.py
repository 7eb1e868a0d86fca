"""The real roster of the Tổ an ninh tự quản (teams and their members, whether or not they use the
bot), read from a CSV file: every row is checked first and the file is imported whole or not at
all; importing the same file again updates, it does not duplicate.

One row a member: commune (unit), team, name, role, phone (optional). A row with a team and no
name records a team whose members are not listed. The file is the roster of each team it names:
a member of such a team who is no longer in the file is taken off it; teams the file does not
name are left as they are.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from handlers.domain import Unit
from handlers.text import fold, strip_place_prefix

if TYPE_CHECKING:
    from handlers.ports import UnitOfWork

# Accepted column names, folded (no accents, lower case): Vietnamese first, then English.
COLUMNS = {
    "unit": ("xa", "xa thi tran", "xa phuong", "don vi", "dia ban", "unit", "commune"),
    "team": ("to", "ten to", "to an ninh", "to an ninh tu quan", "team"),
    "name": ("ho ten", "ho va ten", "ten", "thanh vien", "name", "member"),
    "role": ("chuc vu", "vai tro", "chuc danh", "role"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "phone"),
}
REQUIRED = ("unit", "team", "name")
# Roles on a team, by what may be written for them (folded).
ROLES = {"leader": ("to truong", "truong", "leader"), "deputy": ("to pho", "pho", "deputy"),
         "member": ("", "thanh vien", "to vien", "member")}
NAME_LIMIT = 120
PHONE = re.compile(r"(0|84)\d{8,10}")
_PHONE_MARKS = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class RosterMember:
    name: str
    role: str                # a key of ROLES
    phone: str = ""          # digits only, as written (0912345678 or 84912345678)


@dataclass
class RosterTeam:
    unit_id: int
    name: str
    members: list[RosterMember] = field(default_factory=list)


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one line of the file (1 is the header line)."""

    line: int
    key: str                 # a catalogue key under roster.error.
    values: tuple[tuple[str, str], ...] = ()


class RosterRefused(Exception):
    """The file was not imported; `problems` names every bad line."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class RosterSummary:
    teams_added: int
    teams_updated: int
    members_added: int
    members_updated: int
    members_removed: int


def clean(text: str) -> str:
    """NFC, spaces collapsed: how names are stored and compared."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def read_roster(content: str, units: list[Unit]) -> list[RosterTeam]:
    """The teams of the file, or RosterRefused naming every bad line."""
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), _dialect(content)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RosterRefused([RowProblem(1, "empty")])
    columns, problems = _columns(rows[0])
    if problems:
        raise RosterRefused(problems)
    teams: dict[tuple[int, str], RosterTeam] = {}
    seen: dict[tuple[int, str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {key: clean(row[i]) if i < len(row) else "" for key, i in columns.items()}
        problem = _row(line, cells, units, teams, seen)
        if problem:
            problems.append(problem)
    if problems:
        raise RosterRefused(problems)
    if not teams:
        raise RosterRefused([RowProblem(1, "no_rows")])
    return list(teams.values())


def _dialect(content: str) -> type[csv.Dialect]:
    """Comma or semicolon (Excel in Vietnamese saves with ';')."""
    first = content.lstrip("\ufeff").split("\n", 1)[0]
    return csv.excel if first.count(",") >= first.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _columns(header: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        folded = fold(title)
        for key, names in COLUMNS.items():
            if folded in names and key not in columns:
                columns[key] = index
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        return columns, [RowProblem(1, "missing_column", (("column", key),)) for key in missing]
    return columns, []


def _row(line: int, cells: dict[str, str], units: list[Unit],
         teams: dict[tuple[int, str], RosterTeam],
         seen: dict[tuple[int, str, str], int]) -> RowProblem | None:
    if not cells["unit"] or not cells["team"]:
        return RowProblem(line, "no_unit" if not cells["unit"] else "no_team")
    matches = find_units(units, cells["unit"])
    if len(matches) != 1:
        names = ", ".join(f"{u.name} ({u.slug})" for u in matches)
        key = "ambiguous_unit" if matches else "unknown_unit"
        return RowProblem(line, key, (("unit", cells["unit"]), ("units", names)))
    found = matches[0]
    name, team_name = cells["name"], cells["team"]
    if len(name) > NAME_LIMIT or len(team_name) > NAME_LIMIT:
        return RowProblem(line, "too_long", (("limit", str(NAME_LIMIT)),))
    role = role_of(cells.get("role", ""))
    if role is None:
        return RowProblem(line, "unknown_role", (("role", cells.get("role", "")),))
    phone = _PHONE_MARKS.sub("", cells.get("phone", "")).removeprefix("+")
    if phone and not PHONE.fullmatch(phone):
        return RowProblem(line, "bad_phone", (("phone", cells.get("phone", "")),))
    team = teams.setdefault((found.id, fold(team_name)), RosterTeam(found.id, team_name))
    if not name:
        return None
    first = seen.setdefault((found.id, fold(team_name), name), line)
    if first != line:
        return RowProblem(line, "twice", (("name", name), ("first", str(first))))
    team.members.append(RosterMember(name, role, phone))
    return None


def find_units(units: list[Unit], typed: str) -> list[Unit]:
    """The units whose slug, name, short name or alias is `typed`, accents, case and "xã"/"thị
    trấn" aside (no typo guessing: a roster names its commune exactly)."""
    wanted = strip_place_prefix(fold(typed))
    slug = typed.strip().lower()
    return [u for u in units if u.successor_id is None and (u.slug == slug or wanted in {
        strip_place_prefix(fold(name)) for name in (u.name, u.short, *u.aliases)})]


def role_of(typed: str) -> str | None:
    folded = fold(typed)
    return next((role for role, names in ROLES.items() if folded in names), None)


async def import_roster(uow: UnitOfWork, teams: list[RosterTeam], by: str) -> RosterSummary:
    """Write the checked teams; the caller commits (one transaction for the whole file)."""
    totals = [0, 0, 0, 0, 0]
    for team in teams:
        team_id, created = await uow.roster.team(team.unit_id, team.name)
        totals[0 if created else 1] += 1
        added, updated, removed = await uow.roster.replace_members(team_id, team.members)
        totals[2] += added
        totals[3] += updated
        totals[4] += removed
    uow.audit.record(by, "roster_imported", "roster", None,
                     {"teams": len(teams), "members": sum(len(t.members) for t in teams)})
    return RosterSummary(*totals)
