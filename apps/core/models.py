from django.db import models

from apps.core.actor import current_actor_id
from apps.core.ids import new_id


class BaseModel(models.Model):
    """Public id plus audit columns; created_by/updated_by hold the acting principal's id."""

    id = models.CharField(primary_key=True, max_length=20, default=new_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.CharField(max_length=20, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        actor = current_actor_id()
        if actor:
            if self._state.adding and not self.created_by:
                self.created_by = actor
            self.updated_by = actor
        elif self._state.adding and not self.updated_by:
            self.updated_by = self.created_by
        super().save(*args, **kwargs)


# These models live in their own modules; Django discovers models through this one.
from apps.core.audit import AuditEvent  # noqa: E402
from apps.core.events import EventDelivery, OutboxEvent  # noqa: E402
from apps.core.operations import Operation  # noqa: E402

__all__ = ["AuditEvent", "BaseModel", "EventDelivery", "Operation", "OutboxEvent"]
