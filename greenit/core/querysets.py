"""Who may see which records: one rule for every app.

Staff members see everything; a contact of an outside organisation sees the records that
belong to their organisation; anyone else (anonymous, or a contact without an organisation)
sees nothing. Core imports no app, so the user is duck-typed: `is_authenticated`,
`is_staff_member` and `organisation_id` are all it needs."""

from django.db import models
from django.db.models import Q


class VisibleToQuerySet(models.QuerySet):
    """Subclass it and say, in `organisation_path`, how a record reaches the organisation it
    belongs to (e.g. "donation__donor_organisation"); a tuple of paths means the record
    belongs to each of them (OR-ed). None: the records are the workshop's, staff only."""

    organisation_path: str | tuple[str, ...] | None = None

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff_member:
            return self
        if not (self.organisation_path and user.organisation_id):
            return self.none()
        paths = self.organisation_path
        if isinstance(paths, str):
            return self.filter(**{f"{paths}_id": user.organisation_id})
        # Through a to-many path a plain OR would join and repeat a record once per related
        # row; a subquery per path keeps each record once.
        matches = Q()
        for path in paths:
            owned = self.model._base_manager.filter(**{f"{path}_id": user.organisation_id})
            matches |= Q(pk__in=owned.values("pk"))
        return self.filter(matches)
