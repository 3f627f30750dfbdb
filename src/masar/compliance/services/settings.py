"""Ministry staff change a season's compliance settings and penalty schedule."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from masar.accounts.models import User
from masar.compliance.error_codes import ComplianceError
from masar.compliance.models import ComplianceRules, PenaltySchedule, ViolationType
from masar.compliance.services.common import require_reviewer, rules_for, schedule_for
from masar.core.audit import audit_record
from masar.core.errors import ValidationFailed
from masar.integration.services import event_emit
from masar.seasons.models import Season

RULE_FIELDS: dict[str, models.Field[Any, Any]] = {
    f.name: f
    for f in ComplianceRules._meta.get_fields()
    if isinstance(f, models.Field) and f.name not in {"id", "season"}
}


def _clean(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValueError(_("true or false"))
        return value
    if isinstance(field, models.DecimalField):
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(_("A number.")) from exc
        if number < 0:
            raise ValueError(_("Must be zero or more."))
        return number
    if isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(_("A whole number, zero or more."))
        return value
    if field.choices:
        if value not in [c[0] for c in field.choices]:
            raise ValueError(_("One of: %s") % ", ".join(str(c[0]) for c in field.choices))
        return value
    return value


@transaction.atomic
def compliance_rules_update(
    *,
    actor: User | None,
    season: Season,
    changes: dict[str, Any],
    schedule: dict[str, dict[str, Any]] | None = None,
) -> ComplianceRules:
    """Change settings (by field name) and schedule rows (by violation type: fine_sar,
    points, agent_charged). All or nothing; unknown names are refused."""
    require_reviewer(actor)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        field = RULE_FIELDS.get(name)
        if field is None:
            errors[name] = [_("Not a compliance setting.")]
            continue
        try:
            clean[name] = _clean(field, value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    clean_schedule: dict[str, dict[str, Any]] = {}
    for code, row in (schedule or {}).items():
        if code not in ViolationType.values:
            errors[f"schedule.{code}"] = [_("Not a violation type.")]
            continue
        entry: dict[str, Any] = {}
        for key, value in row.items():
            try:
                if key == "fine_sar":
                    entry[key] = Decimal(str(value))
                    if entry[key] < 0:
                        raise InvalidOperation
                elif key == "points":
                    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                        raise InvalidOperation
                    entry[key] = value
                elif key == "agent_charged":
                    if not isinstance(value, bool):
                        raise InvalidOperation
                    entry[key] = value
                else:
                    errors[f"schedule.{code}.{key}"] = [_("Not a schedule field.")]
            except (InvalidOperation, ValueError):
                errors[f"schedule.{code}.{key}"] = [_("Invalid value.")]
        clean_schedule[code] = entry
    if clean.get("rating_compliance_weight_pct", 0) > 100:
        errors["rating_compliance_weight_pct"] = [_("At most 100.")]
    if errors:
        raise ValidationFailed(
            ComplianceError.INVALID_RULE, _("Some settings are not valid."), fields=errors
        )
    rules = rules_for(season)
    rules = ComplianceRules.objects.select_for_update(of=("self",)).get(pk=rules.pk)
    before = {name: getattr(rules, name) for name in clean}
    for name, value in clean.items():
        setattr(rules, name, value)
    if clean:
        rules.save(update_fields=list(clean))
    rows = schedule_for(season)
    for code, entry in clean_schedule.items():
        if entry:
            PenaltySchedule.objects.filter(pk=rows[code].pk).update(**entry)
    details = {
        "changes": {name: {"from": before[name], "to": value} for name, value in clean.items()},
        "schedule": {code: {k: str(v) for k, v in e.items()} for code, e in clean_schedule.items()},
    }
    audit_record(actor=actor, action="compliance_rules.updated", target=rules, details=details)
    event_emit(
        type="compliance_rules.updated",
        subject=rules,
        payload={"season_id": season.pk, "changes": details},
    )
    return rules
