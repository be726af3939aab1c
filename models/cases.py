"""Case follow-up, the pure part: what a case is, which edits are valid, what is overdue, and how
the next-year outcome of followed and not-followed students compares.

No I/O here: ``cycle.cases`` reads and writes the case tables and calls these functions. Error
messages are Portuguese, since they are what a coordinator reads.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, Final

import pandas as pd

from config.errors import PassosError
from models import case_columns as cc
from models import columns as pc
from pipeline import columns as c


class CaseError(PassosError):
    """A case edit the user can fix; nothing was written."""


class CasePermissionError(CaseError):
    """The signed-in role may not do this."""


class Keep(Enum):
    KEEP = "keep"


KEEP: Final = Keep.KEEP  # "leave this as it is" (a ``CaseEdit`` field, a check not asked)

# Which status may follow which (a closed case is reopened to "em acompanhamento").
TRANSITIONS: Final[Mapping[str | None, frozenset[str]]] = {
    None: frozenset({cc.TO_CONTACT, cc.IN_PROGRESS, cc.NOT_FOUND}),
    cc.TO_CONTACT: frozenset({cc.IN_PROGRESS, cc.NOT_FOUND, cc.CLOSED}),
    cc.IN_PROGRESS: frozenset({cc.NOT_FOUND, cc.CLOSED}),
    cc.NOT_FOUND: frozenset({cc.TO_CONTACT, cc.IN_PROGRESS, cc.CLOSED}),
    cc.CLOSED: frozenset({cc.IN_PROGRESS}),
}
STATUS_WORDS: Final = {
    cc.TO_CONTACT: "a contatar",
    cc.IN_PROGRESS: "em acompanhamento",
    cc.NOT_FOUND: "não localizado",
    cc.CLOSED: "encerrado",
}


@dataclass(frozen=True)
class Action:
    """One thing done for the student: its type, the day it was done, who recorded it."""

    action_type: str
    done_on: date
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Case:
    """One flagged student of one list year and what the team is doing about it."""

    id: int
    ra: str
    ano: int
    status: str
    responsible: str | None
    notes: str
    next_step: str | None
    next_step_on: date | None
    opened_by: str
    opened_at: datetime
    updated_by: str
    updated_at: datetime
    actions: tuple[Action, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in cc.OPEN_STATUSES

    def overdue(self, today: date) -> bool:
        """An open case whose next step's date has passed."""
        return self.is_open and self.next_step_on is not None and self.next_step_on < today


@dataclass(frozen=True)
class CaseEdit:
    """Fields to change on a case; ``KEEP`` leaves a field as it is, ``None`` clears it."""

    responsible: str | None | Keep = KEEP
    status: str | Keep = KEEP
    notes: str | Keep = KEEP
    next_step: str | None | Keep = KEEP
    next_step_on: date | None | Keep = KEEP


@dataclass(frozen=True)
class NewAction:
    action_type: str
    done_on: date


@dataclass(frozen=True)
class Change:
    """One field's change for the case history. Notes carry no content (``redacted``)."""

    field: str
    old: Any
    new: Any
    redacted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new, "redacted": self.redacted}


@dataclass(frozen=True)
class CaseValues:
    """The editable fields of a case after an edit was applied and validated."""

    responsible: str | None
    status: str
    notes: str
    next_step: str | None
    next_step_on: date | None
    changes: tuple[Change, ...] = field(default=())


def check_transition(old: str | None, new: str) -> None:
    """Raise ``CaseError`` unless a case may go from ``old`` to ``new`` (same: no change)."""
    if new not in cc.STATUSES:
        raise CaseError(f"Situação desconhecida: escolha uma de {_words(cc.STATUSES)}.")
    if old == new:
        return
    if new not in TRANSITIONS[old]:
        allowed = _words(sorted(TRANSITIONS[old], key=cc.STATUSES.index))
        start = "Um caso novo" if old is None else f"Um caso '{STATUS_WORDS[old]}'"
        raise CaseError(f"{start} não pode passar para '{STATUS_WORDS[new]}': escolha {allowed}.")


def _words(codes: Iterable[str]) -> str:
    return ", ".join(f"'{STATUS_WORDS[code]}'" for code in codes)


def _clean_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def apply_edit(
    current: Case | None,
    edit: CaseEdit,
    *,
    today: date,
    responsibles: Collection[str] | None = None,
) -> CaseValues:
    """The case's fields after ``edit`` (a new case when ``current`` is None), validated.

    ``responsibles``: the accounts a case may be assigned to (None: any). A next step needs
    both a description and a date not in the past.
    """
    old = _values_of(current)
    responsible = old.responsible if edit.responsible is KEEP else _clean_text(edit.responsible)
    if responsible is not None and responsibles is not None and responsible not in responsibles:
        raise CaseError(
            "O responsável escolhido não é um usuário ativo do painel: escolha outro na lista."
        )
    status = old.status if edit.status is KEEP else edit.status
    if current is None and edit.status is KEEP:
        status = cc.TO_CONTACT
    check_transition(None if current is None else current.status, status)
    notes = old.notes if edit.notes is KEEP else (edit.notes or "").strip()
    if len(notes) > cc.NOTES_MAX:
        raise CaseError(
            f"As anotações passam de {cc.NOTES_MAX} caracteres: resuma o texto e salve de novo."
        )
    next_step = old.next_step if edit.next_step is KEEP else _clean_text(edit.next_step)
    next_step_on = old.next_step_on if edit.next_step_on is KEEP else edit.next_step_on
    _check_next_step(next_step, next_step_on, changed=next_step_on != old.next_step_on, today=today)
    values = CaseValues(responsible, status, notes, next_step, next_step_on)
    return replace(values, changes=tuple(diff(None if current is None else old, values)))


def _check_next_step(text: str | None, on: date | None, *, changed: bool, today: date) -> None:
    if text is not None and len(text) > cc.NEXT_STEP_MAX:
        raise CaseError(
            f"O próximo passo passa de {cc.NEXT_STEP_MAX} caracteres: escreva só o que fazer; "
            "detalhes vão nas anotações."
        )
    if text is not None and on is None:
        raise CaseError("Informe a data do próximo passo.")
    if on is not None and text is None:
        raise CaseError("Descreva o próximo passo (o que fazer) além da data.")
    if changed and on is not None and on < today:
        raise CaseError("A data do próximo passo já passou: escolha hoje ou uma data futura.")


def _values_of(case: Case | None) -> CaseValues:
    if case is None:
        return CaseValues(None, cc.TO_CONTACT, "", None, None)
    return CaseValues(case.responsible, case.status, case.notes, case.next_step, case.next_step_on)


def diff(old: CaseValues | None, new: CaseValues) -> list[Change]:
    """What changed, field by field; a new case lists its filled fields. Notes are redacted."""
    before = _values_of(None) if old is None else old
    changes: list[Change] = []
    for name in (cc.RESPONSIBLE, cc.STATUS, cc.NEXT_STEP, cc.NEXT_STEP_ON):
        was, now = getattr(before, name), getattr(new, name)
        if old is None and name == cc.STATUS:
            changes.append(Change(name, None, now))
        elif was != now:
            changes.append(Change(name, _jsonable(was), _jsonable(now)))
    if before.notes != new.notes:
        changes.append(Change(cc.NOTES, None, None, redacted=True))
    return changes


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def check_action(
    action: NewAction,
    *,
    status: str,
    year: int,
    today: date,
    action_types: Collection[str],
) -> None:
    """Raise ``CaseError`` unless ``action`` may be recorded on a case in ``status``."""
    if status == cc.CLOSED:
        raise CaseError(
            "O caso está encerrado: reabra-o (situação 'em acompanhamento') para registrar ações."
        )
    if action.action_type not in action_types:
        raise CaseError(
            "Tipo de ação desconhecido ou desativado: escolha um da lista (a administração "
            "mantém a lista na página Casos)."
        )
    if action.done_on > today:
        raise CaseError("A data da ação está no futuro: informe o dia em que ela foi feita.")
    if action.done_on.year < year:
        raise CaseError(f"A data da ação é anterior a {year}, o ano da lista: confira a data.")


def status_after_action(status: str) -> str:
    """Recording an action means someone is on it: a case still 'a contatar' moves on."""
    return cc.IN_PROGRESS if status == cc.TO_CONTACT else status


def check_action_type_name(name: str, existing: Collection[str]) -> str:
    """The cleaned name of a new action type, or ``CaseError``."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CaseError("Escreva o nome do tipo de ação.")
    if len(cleaned) > cc.ACTION_TYPE_MAX:
        raise CaseError(
            f"O nome do tipo de ação passa de {cc.ACTION_TYPE_MAX} caracteres: encurte-o."
        )
    if cleaned.casefold() in {e.casefold() for e in existing}:
        raise CaseError("Esse tipo de ação já existe (reative-o na lista, se estiver desativado).")
    return cleaned


def desk_order(cases: Sequence[Case], today: date) -> list[Case]:
    """The order of a coordinator's desk: overdue next steps first (oldest first), then upcoming
    next steps by date, then open cases without a next step, closed cases last."""

    def key(case: Case) -> tuple[int, date, int]:
        if not case.is_open:
            rank = 3
        elif case.overdue(today):
            rank = 0
        elif case.next_step_on is not None:
            rank = 1
        else:
            rank = 2
        return (rank, case.next_step_on or date.max, case.id)

    return sorted(cases, key=key)


# --- outcomes: association, never effect ---------------------------------------------------


def compare_outcomes(
    flagged_list: pd.DataFrame, outcomes: pd.DataFrame, actions: pd.DataFrame
) -> pd.DataFrame:
    """Next-year outcome of the students a list flagged, followed vs not followed and by action.

    ``flagged_list``: the list of a year (``ra``, ``classe``); only Critical/Alert rows count.
    ``outcomes``: ``ra`` and the real next-year class (``classe_proximo_ano``; missing when the
    student is not in the next year). ``actions``: ``ra`` and ``action_type``, one row per action
    recorded on the student's case of that year. Followed = at least one action.

    One row per group (followed, not followed, then each action type) with the flagged count,
    how many have a known outcome, how many of those lagged (Critical or Alert next year), the
    share, and whether the known count is below ``SMALL_N``. Students with several action types
    count in each. This describes who was followed; it cannot tell what the follow-up caused.
    """
    flagged = flagged_list.loc[flagged_list[pc.CLASSE].isin(pc.AT_RISK_CLASSES), [c.RA]]
    flagged = flagged.drop_duplicates(c.RA)
    real = outcomes.drop_duplicates(c.RA).set_index(c.RA)[c.CLASSE_PROXIMO_ANO]
    outcome = flagged[c.RA].map(real)
    known = outcome.notna()
    lagged = outcome.isin(pc.AT_RISK_CLASSES) & known
    acted = actions[actions[c.RA].isin(flagged[c.RA])]
    followed = flagged[c.RA].isin(acted[c.RA])
    groups: list[tuple[str, str, pd.Series]] = [
        (cc.FOLLOWED, cc.FOLLOWED, followed),
        (cc.NOT_FOLLOWED, cc.NOT_FOLLOWED, ~followed),
    ]
    for action_type in sorted(acted[cc.ACTION_TYPE].unique().tolist(), key=str):
        with_type = acted.loc[acted[cc.ACTION_TYPE] == action_type, c.RA]
        groups.append((cc.BY_ACTION, str(action_type), flagged[c.RA].isin(with_type)))
    rows = []
    for kind, name, members in groups:
        n_known = int((members & known).sum())
        n_lagged = int((members & lagged).sum())
        rows.append(
            {
                cc.GROUP_KIND: kind,
                cc.GROUP: name,
                cc.N_FLAGGED: int(members.sum()),
                cc.N_KNOWN: n_known,
                cc.N_LAGGED: n_lagged,
                cc.SHARE_LAGGED: n_lagged / n_known if n_known else float("nan"),
                cc.SMALL_SAMPLE: n_known < cc.SMALL_N,
            }
        )
    return pd.DataFrame(rows, columns=list(cc.OUTCOME_COLUMNS))
