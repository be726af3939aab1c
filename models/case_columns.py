"""The case contract: columns of the case tables and frames, statuses, events, default actions.

The one home of these names, in the pattern of ``models/columns.py``: the case tables, the
domain (``models.cases``), the verbs (``cycle.cases``) and the dashboard use them. A case is one
flagged student of one list year (``ra``, ``ano``); it is keyed by them, never by model version.
"""

from __future__ import annotations

from typing import Final

from pipeline import columns as c

RA: Final = c.RA
ANO: Final = c.ANO  # the year of the list (the data year the list was made on)

# cases
CASE_ID: Final = "case_id"
RESPONSIBLE: Final = "responsible"
STATUS: Final = "status"
NOTES: Final = "notes"
NEXT_STEP: Final = "next_step"
NEXT_STEP_ON: Final = "next_step_on"
OPENED_BY: Final = "opened_by"
OPENED_AT: Final = "opened_at"
UPDATED_BY: Final = "updated_by"
UPDATED_AT: Final = "updated_at"

# case actions
ACTION_TYPE: Final = "action_type"
DONE_ON: Final = "done_on"
RECORDED_BY: Final = "recorded_by"
RECORDED_AT: Final = "recorded_at"

# case history
AT: Final = "at"
USERNAME: Final = "username"
EVENT: Final = "event"
CHANGES: Final = "changes"

# derived columns of case frames
N_ACTIONS: Final = "n_actions"
LAST_ACTION_ON: Final = "last_action_on"
OVERDUE: Final = "overdue"

CASE_COLUMNS: Final = (
    CASE_ID,
    RA,
    ANO,
    RESPONSIBLE,
    STATUS,
    NOTES,
    NEXT_STEP,
    NEXT_STEP_ON,
    OPENED_BY,
    OPENED_AT,
    UPDATED_BY,
    UPDATED_AT,
)
# What a list or an export shows of a case (no notes: they stay on the case page).
SUMMARY_COLUMNS: Final = (RESPONSIBLE, STATUS, NEXT_STEP, NEXT_STEP_ON)
DESK_COLUMNS: Final = (*CASE_COLUMNS, N_ACTIONS, LAST_ACTION_ON, OVERDUE)
ACTION_COLUMNS: Final = (CASE_ID, ACTION_TYPE, DONE_ON, RECORDED_BY, RECORDED_AT)
HISTORY_COLUMNS: Final = (CASE_ID, RA, ANO, AT, USERNAME, EVENT, CHANGES)

# Statuses (labels in the dashboard catalog: ``case_status.<code>``).
TO_CONTACT: Final = "to_contact"  # a contatar
IN_PROGRESS: Final = "in_progress"  # em acompanhamento
CLOSED: Final = "closed"  # encerrado
NOT_FOUND: Final = "not_found"  # não localizado
STATUSES: Final = (TO_CONTACT, IN_PROGRESS, NOT_FOUND, CLOSED)
OPEN_STATUSES: Final = (TO_CONTACT, IN_PROGRESS, NOT_FOUND)

# History events (labels: ``case_event.<code>``).
OPENED: Final = "opened"
EDITED: Final = "edited"
ACTION_ADDED: Final = "action_added"
EVENTS: Final = (OPENED, EDITED, ACTION_ADDED)

# Action types the admin starts with (data, kept in the database; the admin adds more).
DEFAULT_ACTION_TYPES: Final = (
    "conversa com a família",
    "reforço escolar",
    "psicologia",
    "encaminhamento",
)

# Outcomes comparison (association between follow-up and next-year outcome).
GROUP: Final = "group"
GROUP_KIND: Final = "group_kind"
FOLLOWED: Final = "followed"
NOT_FOLLOWED: Final = "not_followed"
BY_ACTION: Final = "action"
N_FLAGGED: Final = "n_flagged"
N_KNOWN: Final = "n_known"
N_LAGGED: Final = "n_lagged"
SHARE_LAGGED: Final = "share_lagged"
SMALL_SAMPLE: Final = "small_sample"
OUTCOME_COLUMNS: Final = (
    GROUP_KIND,
    GROUP,
    N_FLAGGED,
    N_KNOWN,
    N_LAGGED,
    SHARE_LAGGED,
    SMALL_SAMPLE,
)
# Fewer students with a known outcome than this: the share is shown with a caution.
SMALL_N: Final = 10

# Limits a coordinator meets in the form.
NOTES_MAX: Final = 5000
NEXT_STEP_MAX: Final = 300
ACTION_TYPE_MAX: Final = 80
