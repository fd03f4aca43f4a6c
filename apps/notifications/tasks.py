import logging

from celery import shared_task

from apps.notifications import delivery, digests

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification(notification_id: str) -> None:
    """One attempt at a notification; safe to run twice (only a pending, due notification is claimed)."""
    retry_at = delivery.attempt(notification_id)
    if retry_at is not None:
        logger.info("notification %s failed; next attempt at %s", notification_id, retry_at.isoformat())


@shared_task(acks_late=True)
def dispatch_event(event_id: str) -> None:
    """The sends of an event's notifications, one task each (a slow channel holds up no other)."""
    delivery.dispatch(event_id)


@shared_task(acks_late=True)
def send_due_digests() -> None:
    """Beat: gather the held events now due into one digest per channel, and send them."""
    for digest_id in digests.collect_due():
        delivery.enqueue(digest_id)


@shared_task(acks_late=True)
def sweep_notifications() -> None:
    """Beat: notifications a dead worker left behind, or whose task was lost, are sent again."""
    swept = delivery.sweep()
    if swept:
        logger.warning("re-enqueued %d unsent notifications", len(swept))
