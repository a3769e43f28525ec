"""The retention schedule (data/retention.json) and `greenit retention`, which enforces it:
rows past their time are deleted or erased; run twice, the second run finds nothing to do."""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language

from . import people

SCHEDULE = Path(__file__).parent / "data" / "retention.json"


@dataclass(frozen=True)
class Rule:
    name: str
    model: str
    action: str  # delete, erase or keep
    en: str
    zh_Hans: str
    where: dict | None = None
    age_field: str = ""
    days: int | None = None
    done_when: dict | None = None

    @property
    def text(self) -> str:
        return self.zh_Hans if (get_language() or "en").lower().startswith("zh") else self.en

    def due(self, now: datetime.datetime) -> models.QuerySet:
        """The rows this rule would act on now."""
        model = apps.get_model(self.model)
        if self.action == "keep":
            return model.objects.none()
        cutoff = now - datetime.timedelta(days=self.days or 0)
        rows = model.objects.filter(**(self.where or {}), **{f"{self.age_field}__lt": cutoff})
        return rows.exclude(**self.done_when) if self.done_when else rows


@cache
def schedule() -> tuple[Rule, ...]:
    return tuple(Rule(**rule) for rule in json.loads(SCHEDULE.read_text())["rules"])


def rule_names() -> set[str]:
    return {rule.name for rule in schedule()}


def retention_run(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> list[tuple[Rule, int]]:
    """Apply every rule once, each in its own transaction; returns what each rule did (or,
    with dry_run, would do)."""
    now = now or timezone.now()
    done = []
    for rule in schedule():
        if rule.action == "keep":
            continue
        with transaction.atomic():
            model = apps.get_model(rule.model)
            # Lock by key: the rule's own query may join (no FOR UPDATE on an outer join).
            pks = list(rule.due(now).values_list("pk", flat=True))
            rows = model.objects.select_for_update().filter(pk__in=pks).order_by("pk")
            if dry_run:
                done.append((rule, len(pks)))
            elif rule.action == "delete":
                list(rows.values_list("pk", flat=True))  # hold the locks, then delete
                model.objects.filter(pk__in=pks).delete()
                done.append((rule, len(pks)))
            else:
                done.append((rule, people.erase_rows(model, people.declarations()[model], rows)))
    return done
