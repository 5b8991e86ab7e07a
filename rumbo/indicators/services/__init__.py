"""Changing indicators and their values. Each change is one atomic, audited service with a
version check; bad input is refused whole, with a message naming the field.

- Design: an indicator's unit, time basis, frequency or disaggregations change as a new design
  revision, never deleting a value; once values exist, the change needs a reason.
- Targets: set as a whole table; changing or removing one needs a reason.
- Values: draft → submitted → returned → approved; only approved values count. A change in a
  locked period needs the secretariat and a reason."""

from .checks import ValueInput, check_value
from .design import TargetKey, design_snapshot, indicator_create, indicator_update, targets_set
from .locks import period_lock, period_unlock
from .values import (
    measurement_approve,
    measurement_return,
    measurement_save,
    measurement_submit,
)

__all__ = [
    "TargetKey",
    "ValueInput",
    "check_value",
    "design_snapshot",
    "indicator_create",
    "indicator_update",
    "measurement_approve",
    "measurement_return",
    "measurement_save",
    "measurement_submit",
    "period_lock",
    "period_unlock",
    "targets_set",
]
