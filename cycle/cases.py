"""Case follow-up verbs: open a case for a flagged student, assign it, set its status, record
actions, plan the next step; list a coordinator's cases, a year's cases, a student's timeline
across years; compare next-year outcomes of followed and not-followed students.

Every change writes the case tables and one ``case_history`` row (who, when, which fields, old
and new values) in one transaction. Notes are written to ``cases.notes`` only: the history says
that they changed, logs never carry them (nor an RA).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from config import Settings
from models import case_columns as cc
from models import columns as pc
from models.case_tables import case_action_types, case_actions, case_history, cases, cases_engine
from models.cases import (
    KEEP,
    Action,
    Case,
    CaseEdit,
    CaseError,
    CasePermissionError,
    Keep,
    NewAction,
    apply_edit,
    check_action,
    check_action_type_name,
    compare_outcomes,
    desk_order,
    status_after_action,
)
from models.predictions import published_years, read_predictions
from models.tables import models_engine, predictions
from pipeline import columns as c
from pipeline.state import gold_path

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("America/Sao_Paulo")  # the NGO's calendar: "overdue" is by its today


def today_local() -> date:
    return datetime.now(LOCAL_TZ).date()


@dataclass(frozen=True)
class ActionType:
    name: str
    active: bool


@dataclass(frozen=True)
class Saved:
    """A saved case and what the save did (field names only: safe for the audit log)."""

    case: Case
    opened: bool
    fields: tuple[str, ...]
    action_added: bool


# --- reading ------------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _case_of(row: Any, actions: Sequence[Any]) -> Case:
    m = row._mapping
    return Case(
        id=int(m[cc.CASE_ID]),
        ra=str(m[cc.RA]),
        ano=int(m[cc.ANO]),
        status=str(m[cc.STATUS]),
        responsible=m[cc.RESPONSIBLE],
        notes=str(m[cc.NOTES] or ""),
        next_step=m[cc.NEXT_STEP],
        next_step_on=m[cc.NEXT_STEP_ON],
        opened_by=str(m[cc.OPENED_BY]),
        opened_at=_utc(m[cc.OPENED_AT]),
        updated_by=str(m[cc.UPDATED_BY]),
        updated_at=_utc(m[cc.UPDATED_AT]),
        actions=tuple(
            Action(
                str(a._mapping[cc.ACTION_TYPE]),
                a._mapping[cc.DONE_ON],
                str(a._mapping[cc.RECORDED_BY]),
                _utc(a._mapping[cc.RECORDED_AT]),
            )
            for a in actions
        ),
    )


def _read_cases(conn: Connection, *where: Any) -> list[Case]:
    rows = conn.execute(select(cases).where(*where).order_by(cases.c[cc.CASE_ID])).all()
    if not rows:
        return []
    ids = [int(r._mapping[cc.CASE_ID]) for r in rows]
    acts = conn.execute(
        select(case_actions)
        .where(case_actions.c[cc.CASE_ID].in_(ids))
        .order_by(case_actions.c[cc.DONE_ON], case_actions.c.id)
    ).all()
    by_case: dict[int, list[Any]] = {}
    for act in acts:
        by_case.setdefault(int(act._mapping[cc.CASE_ID]), []).append(act)
    return [_case_of(r, by_case.get(int(r._mapping[cc.CASE_ID]), [])) for r in rows]


def get_case(settings: Settings, ra: str, year: int) -> Case | None:
    """The case of this student on the list of ``year`` (None when none was opened)."""
    with cases_engine(settings).connect() as conn:
        found = _read_cases(conn, cases.c[cc.RA] == ra, cases.c[cc.ANO] == int(year))
    return found[0] if found else None


def my_cases(
    settings: Settings, username: str, *, today: date | None = None, include_closed: bool = False
) -> list[Case]:
    """The cases ``username`` is responsible for, overdue next steps first (every year)."""
    with cases_engine(settings).connect() as conn:
        found = _read_cases(conn, cases.c[cc.RESPONSIBLE] == username)
    if not include_closed:
        found = [case for case in found if case.is_open]
    return desk_order(found, today or today_local())


def cases_frame(found: Sequence[Case], today: date) -> pd.DataFrame:
    """Cases as a frame (``DESK_COLUMNS``): one row per case, with action count and overdue."""
    rows = [
        {
            cc.CASE_ID: case.id,
            cc.RA: case.ra,
            cc.ANO: case.ano,
            cc.RESPONSIBLE: case.responsible,
            cc.STATUS: case.status,
            cc.NOTES: case.notes,
            cc.NEXT_STEP: case.next_step,
            cc.NEXT_STEP_ON: case.next_step_on,
            cc.OPENED_BY: case.opened_by,
            cc.OPENED_AT: case.opened_at,
            cc.UPDATED_BY: case.updated_by,
            cc.UPDATED_AT: case.updated_at,
            cc.N_ACTIONS: len(case.actions),
            cc.LAST_ACTION_ON: max((a.done_on for a in case.actions), default=None),
            cc.OVERDUE: case.overdue(today),
        }
        for case in found
    ]
    return pd.DataFrame(rows, columns=list(cc.DESK_COLUMNS))


def cases_of_year(
    settings: Settings,
    year: int,
    *,
    statuses: Collection[str] = (),
    responsible: str | None = None,
    unassigned: bool = False,
    today: date | None = None,
) -> pd.DataFrame:
    """The cases of the list of ``year`` in desk order, filtered by status and responsible.

    ``unassigned`` keeps only cases without a responsible (it wins over ``responsible``).
    """
    where: list[Any] = [cases.c[cc.ANO] == int(year)]
    if statuses:
        where.append(cases.c[cc.STATUS].in_(list(statuses)))
    if unassigned:
        where.append(cases.c[cc.RESPONSIBLE].is_(None))
    elif responsible:
        where.append(cases.c[cc.RESPONSIBLE] == responsible)
    day = today or today_local()
    with cases_engine(settings).connect() as conn:
        found = _read_cases(conn, *where)
    return cases_frame(desk_order(found, day), day)


def student_cases(settings: Settings, ra: str) -> list[Case]:
    """Every case of one student, oldest list year first."""
    with cases_engine(settings).connect() as conn:
        found = _read_cases(conn, cases.c[cc.RA] == ra)
    return sorted(found, key=lambda case: case.ano)


def student_timeline(settings: Settings, ra: str) -> pd.DataFrame:
    """What happened on a student's cases across years, oldest first (``HISTORY_COLUMNS``).

    ``changes`` is a list of ``{field, old, new, redacted}``; notes show as redacted changes.
    """
    with cases_engine(settings).connect() as conn:
        rows = conn.execute(
            select(*(case_history.c[name] for name in cc.HISTORY_COLUMNS))
            .where(case_history.c[cc.RA] == ra)
            .order_by(case_history.c[cc.AT], case_history.c.id)
        ).all()
    frame = pd.DataFrame([dict(r._mapping) for r in rows], columns=list(cc.HISTORY_COLUMNS))
    frame[cc.AT] = pd.to_datetime(frame[cc.AT], utc=True)
    return frame


def case_summary(settings: Settings, frame: pd.DataFrame) -> pd.DataFrame:
    """For each row of a list (``ra``, ``ano``), its case's responsible, status and next step.

    Aligned on ``frame``'s index (``SUMMARY_COLUMNS``; missing where no case was opened), so a
    front end adds the columns to a risk list or an export with one ``concat``.
    """
    empty = pd.DataFrame(index=frame.index, columns=list(cc.SUMMARY_COLUMNS), dtype=object)
    if frame.empty:
        return empty
    years = sorted({int(y) for y in frame[c.ANO].dropna().unique()})
    with cases_engine(settings).connect() as conn:
        rows = conn.execute(
            select(
                cases.c[cc.RA], cases.c[cc.ANO], *(cases.c[n] for n in cc.SUMMARY_COLUMNS)
            ).where(cases.c[cc.ANO].in_(years))
        ).all()
    if not rows:
        return empty
    found = pd.DataFrame([dict(r._mapping) for r in rows])
    keys = frame[[c.RA, c.ANO]].astype({c.ANO: "int64"})
    merged = keys.merge(found, on=[c.RA, c.ANO], how="left")
    merged.index = frame.index
    summary = merged[list(cc.SUMMARY_COLUMNS)].astype(object)
    result: pd.DataFrame = summary.mask(summary.isna(), None)
    return result


def student_names(settings: Settings, ras: Collection[str]) -> dict[str, str]:
    """The name each student had on their latest list (for desks that show names, not RAs)."""
    if not ras:
        return {}
    with models_engine(settings).connect() as conn:
        rows = conn.execute(
            select(predictions.c.ra, predictions.c.nome)
            .where(predictions.c.ra.in_(list(ras)), predictions.c.nome.is_not(None))
            .order_by(predictions.c.ano)
        ).all()
    return {str(r.ra): str(r.nome) for r in rows}


def list_years(settings: Settings) -> list[int]:
    """The years that have a list, newest first (published lists; before any was published, the
    years scored by any version)."""
    published = published_years(settings)
    if published:
        return published
    with models_engine(settings).connect() as conn:
        years = conn.execute(select(predictions.c.ano).distinct()).scalars().all()
    return sorted((int(y) for y in years), reverse=True)


def flagged_of_year(settings: Settings, year: int) -> pd.DataFrame:
    """The Critical and Alert students of the list given for ``year``, in rank order."""
    return read_predictions(settings, classes=pc.AT_RISK_CLASSES, ano=int(year))


# --- writing ------------------------------------------------------------------------------


def _on_the_list(conn: Connection, ra: str, year: int) -> bool:
    found = conn.execute(
        select(predictions.c.ra)
        .where(predictions.c.ra == ra, predictions.c.ano == int(year))
        .limit(1)
    ).first()
    return found is not None


def _history(
    conn: Connection,
    case_id: int,
    *,
    ra: str,
    year: int,
    by: str,
    event: str,
    changes: Sequence[dict[str, Any]],
) -> None:
    conn.execute(
        insert(case_history).values(
            {
                cc.CASE_ID: case_id,
                cc.RA: ra,
                cc.ANO: int(year),
                cc.AT: datetime.now(UTC),
                cc.USERNAME: by,
                cc.EVENT: event,
                cc.CHANGES: list(changes),
            }
        )
    )


def save_case(
    settings: Settings,
    ra: str,
    year: int,
    by: str,
    *,
    edit: CaseEdit | None = None,
    action: NewAction | None = None,
    responsibles: Collection[str] | None = None,
    today: date | None = None,
    must_exist: bool | None = None,
    seen: datetime | None | Keep = KEEP,
) -> Saved:
    """Open (when needed) and edit the case of ``ra`` on the list of ``year``, and record
    ``action``: all in one transaction, each step with its history row.

    ``must_exist``: True refuses to open a case, False refuses to edit one, None does either.
    ``responsibles``: the accounts a case may be assigned to (None: any name).
    ``seen``: the ``updated_at`` of the case the user was looking at (None: no case yet); a
    different one means someone else saved in between, and nothing is overwritten.
    Raises ``CaseError`` (Portuguese, actionable) and writes nothing when a value is invalid.
    """
    day = today or today_local()
    edit = edit or CaseEdit()
    models_engine(settings)  # the predictions table must exist for the list check
    if action is not None:
        _seed_action_types(settings)
    now = datetime.now(UTC)
    try:
        with cases_engine(settings).begin() as conn:
            found = _read_cases(conn, cases.c[cc.RA] == ra, cases.c[cc.ANO] == int(year))
            current = found[0] if found else None
            if current is None and must_exist:
                raise CaseError("Este aluno ainda não tem caso neste ano: abra o caso primeiro.")
            if current is not None and must_exist is False:
                raise CaseError("Este aluno já tem um caso neste ano: edite o caso existente.")
            if seen is not KEEP and seen != (None if current is None else current.updated_at):
                raise CaseError(
                    "Outra pessoa alterou este caso enquanto você editava: nada foi salvo. "
                    "Recarregue a página, confira as mudanças e salve de novo."
                )
            values = apply_edit(current, edit, today=day, responsibles=responsibles)
            fields = {
                cc.RESPONSIBLE: values.responsible,
                cc.STATUS: values.status,
                cc.NOTES: values.notes,
                cc.NEXT_STEP: values.next_step,
                cc.NEXT_STEP_ON: values.next_step_on,
                cc.UPDATED_BY: by,
                cc.UPDATED_AT: now,
            }
            if current is None:
                if not _on_the_list(conn, ra, year):
                    raise CaseError(
                        f"Este aluno não está na lista de {year}: escolha um aluno da lista."
                    )
                opened = {cc.RA: ra, cc.ANO: int(year), cc.OPENED_BY: by, cc.OPENED_AT: now}
                inserted = conn.execute(insert(cases).values(opened | fields))
                case_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
                event = cc.OPENED
            else:
                case_id = current.id
                event = cc.EDITED
                if values.changes:
                    conn.execute(update(cases).where(cases.c[cc.CASE_ID] == case_id).values(fields))
            if values.changes:
                changes = [change.as_json() for change in values.changes]
                _history(conn, case_id, ra=ra, year=year, by=by, event=event, changes=changes)
            if action is not None:
                _record_action(
                    conn,
                    case_id,
                    ra=ra,
                    year=year,
                    status=values.status,
                    action=action,
                    by=by,
                    today=day,
                )
    except IntegrityError:  # another session opened the same case a moment ago
        raise CaseError(
            "Outra pessoa acabou de abrir o caso deste aluno: recarregue a página e edite-o."
        ) from None
    log.info("case %s saved by %s (%s)", case_id, by, event)
    saved = get_case(settings, ra, year)
    assert saved is not None
    return Saved(
        saved,
        opened=current is None,
        fields=tuple(change.field for change in values.changes),
        action_added=action is not None,
    )


def _record_action(
    conn: Connection,
    case_id: int,
    *,
    ra: str,
    year: int,
    status: str,
    action: NewAction,
    by: str,
    today: date,
) -> None:
    types = [t.name for t in _action_types(conn, include_inactive=False)]
    check_action(action, status=status, year=year, today=today, action_types=types)
    now = datetime.now(UTC)
    conn.execute(
        insert(case_actions).values(
            {
                cc.CASE_ID: case_id,
                cc.ACTION_TYPE: action.action_type,
                cc.DONE_ON: action.done_on,
                cc.RECORDED_BY: by,
                cc.RECORDED_AT: now,
            }
        )
    )
    changes: list[dict[str, Any]] = [
        {"field": cc.ACTION_TYPE, "old": None, "new": action.action_type, "redacted": False},
        {"field": cc.DONE_ON, "old": None, "new": action.done_on.isoformat(), "redacted": False},
    ]
    moved = status_after_action(status)
    if moved != status:
        conn.execute(
            update(cases)
            .where(cases.c[cc.CASE_ID] == case_id)
            .values({cc.STATUS: moved, cc.UPDATED_BY: by, cc.UPDATED_AT: now})
        )
        changes.append({"field": cc.STATUS, "old": status, "new": moved, "redacted": False})
    _history(conn, case_id, ra=ra, year=year, by=by, event=cc.ACTION_ADDED, changes=changes)


def open_case(
    settings: Settings,
    ra: str,
    year: int,
    by: str,
    *,
    responsible: str | None = None,
    responsibles: Collection[str] | None = None,
    today: date | None = None,
) -> Case:
    """Open the case of a student of the list of ``year`` ('a contatar')."""
    edit = CaseEdit(responsible=responsible)
    return save_case(
        settings, ra, year, by, edit=edit, responsibles=responsibles, today=today, must_exist=False
    ).case


def assign(
    settings: Settings,
    ra: str,
    year: int,
    by: str,
    *,
    responsible: str | None,
    responsibles: Collection[str] | None = None,
) -> Case:
    """Make ``responsible`` (a dashboard user; None: nobody) responsible for the case."""
    edit = CaseEdit(responsible=responsible)
    return save_case(
        settings, ra, year, by, edit=edit, responsibles=responsibles, must_exist=True
    ).case


def set_status(settings: Settings, ra: str, year: int, by: str, *, status: str) -> Case:
    return save_case(settings, ra, year, by, edit=CaseEdit(status=status), must_exist=True).case


def set_notes(settings: Settings, ra: str, year: int, by: str, *, notes: str) -> Case:
    return save_case(settings, ra, year, by, edit=CaseEdit(notes=notes), must_exist=True).case


def set_next_step(
    settings: Settings,
    ra: str,
    year: int,
    by: str,
    *,
    step: str | None,
    on: date | None,
    today: date | None = None,
) -> Case:
    """Plan the next step (what and when); None and None clear it."""
    edit = CaseEdit(next_step=step, next_step_on=on)
    return save_case(settings, ra, year, by, edit=edit, today=today, must_exist=True).case


def add_action(
    settings: Settings,
    ra: str,
    year: int,
    by: str,
    *,
    action_type: str,
    done_on: date,
    today: date | None = None,
) -> Case:
    """Record an action done for the student (a case 'a contatar' moves to 'em acompanhamento')."""
    action = NewAction(action_type, done_on)
    return save_case(settings, ra, year, by, action=action, today=today, must_exist=True).case


# --- action types (admin-maintained) ------------------------------------------------------


def _action_types(conn: Connection, *, include_inactive: bool) -> list[ActionType]:
    query = select(case_action_types.c.name, case_action_types.c.active).order_by(
        case_action_types.c.position, case_action_types.c.name
    )
    if not include_inactive:
        query = query.where(case_action_types.c.active.is_(True))
    return [ActionType(str(r.name), bool(r.active)) for r in conn.execute(query).all()]


def _seed_action_types(settings: Settings) -> None:
    engine = cases_engine(settings)
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(case_action_types)).scalar_one():
            return
    now = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(case_action_types),
                [
                    {
                        "name": name,
                        "position": i,
                        "active": True,
                        "created_by": "inicial",
                        "created_at": now,
                    }
                    for i, name in enumerate(cc.DEFAULT_ACTION_TYPES)
                ],
            )
    except IntegrityError:  # another session seeded them first
        return


def action_types(settings: Settings, *, include_inactive: bool = False) -> list[ActionType]:
    """The action types coordinators choose from (the defaults until the admin changes them)."""
    _seed_action_types(settings)
    with cases_engine(settings).connect() as conn:
        return _action_types(conn, include_inactive=include_inactive)


def _admin_only(is_admin: bool) -> None:
    if not is_admin:
        raise CasePermissionError("Só a administração mantém a lista de tipos de ação.")


def add_action_type(settings: Settings, name: str, by: str, *, is_admin: bool) -> str:
    """Add an action type at the end of the list (admin only); returns the cleaned name."""
    _admin_only(is_admin)
    existing = action_types(settings, include_inactive=True)
    cleaned = check_action_type_name(name, [t.name for t in existing])
    try:
        with cases_engine(settings).begin() as conn:
            position = conn.execute(
                select(func.coalesce(func.max(case_action_types.c.position), -1))
            ).scalar_one()
            conn.execute(
                insert(case_action_types).values(
                    name=cleaned,
                    position=int(position) + 1,
                    active=True,
                    created_by=by,
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:
        raise CaseError("Esse tipo de ação já existe.") from None
    log.info("action type added by %s", by)
    return cleaned


def set_action_type_active(
    settings: Settings, name: str, active: bool, by: str, *, is_admin: bool
) -> None:
    """Deactivate (or reactivate) an action type; actions already recorded keep their type."""
    _admin_only(is_admin)
    with cases_engine(settings).begin() as conn:
        done = conn.execute(
            update(case_action_types).where(case_action_types.c.name == name).values(active=active)
        )
    if not done.rowcount:
        raise CaseError("Tipo de ação não encontrado: recarregue a página.")
    log.info("action type %s by %s", "activated" if active else "deactivated", by)


# --- outcomes -----------------------------------------------------------------------------


def outcome_years(settings: Settings) -> list[int]:
    """List years whose next year is loaded (their outcome is known), newest first."""
    path = gold_path(settings)
    if not path.exists():
        return []
    loaded = set(pd.read_parquet(path, columns=[c.ANO])[c.ANO].astype(int).unique().tolist())
    return [year for year in list_years(settings) if year + 1 in loaded]


def outcomes_of_year(settings: Settings, year: int) -> pd.DataFrame | None:
    """Next-year outcome of the students flagged on the list of ``year``: followed (a case with
    an action) vs not, and by action type (``OUTCOME_COLUMNS``). None when not measurable yet.

    An association: who was followed was chosen by people, so this is never proof of effect.
    """
    if year not in outcome_years(settings):
        return None
    listed = read_predictions(settings, ano=year)
    if listed.empty:
        return None
    gold = pd.read_parquet(gold_path(settings), columns=[c.RA, c.ANO, c.CLASSE_PROXIMO_ANO])
    outcomes = gold[gold[c.ANO] == year][[c.RA, c.CLASSE_PROXIMO_ANO]]
    with cases_engine(settings).connect() as conn:
        rows = conn.execute(
            select(cases.c[cc.RA], case_actions.c[cc.ACTION_TYPE])
            .join(case_actions, case_actions.c[cc.CASE_ID] == cases.c[cc.CASE_ID])
            .where(cases.c[cc.ANO] == int(year))
        ).all()
    actions = pd.DataFrame([dict(r._mapping) for r in rows], columns=[c.RA, cc.ACTION_TYPE])
    return compare_outcomes(listed[[c.RA, pc.CLASSE]], outcomes, actions)


__all__ = [
    "KEEP",
    "ActionType",
    "Case",
    "CaseEdit",
    "CaseError",
    "CasePermissionError",
    "NewAction",
    "Saved",
    "action_types",
    "add_action",
    "add_action_type",
    "assign",
    "case_summary",
    "cases_of_year",
    "flagged_of_year",
    "get_case",
    "list_years",
    "my_cases",
    "open_case",
    "outcome_years",
    "outcomes_of_year",
    "save_case",
    "set_action_type_active",
    "set_next_step",
    "set_notes",
    "set_status",
    "student_cases",
    "student_names",
    "student_timeline",
]
