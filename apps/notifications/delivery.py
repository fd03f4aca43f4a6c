"""Sending a notification: claim it, send it outside any transaction, record the outcome; retry with backoff.

`attempt(id)` is one idempotent step (the Celery task `send_notification` runs it): it locks the row and
claims it only while it is `pending` and due (status `delivering`, one more attempt), sends through the
channel's transport with its timeouts, then records the outcome under the lock again. A transient failure
is retried after 30 s, 2 min, 8 min, 32 min (NOTIFICATIONS_MAX_ATTEMPTS = 5 attempts in all); a permanent
one (a refused address, a 4xx answer) fails at once. Every failed attempt counts against the channel: after
NOTIFICATIONS_FAILING_AFTER in a row it becomes `failing` and the organization's Owners and Admins get an
email; a success makes it `active` again.

A worker that dies between claim and record leaves the row `delivering`: the beat sweep puts it back to
`pending` once its lease ran out, and enqueues every due notification whose task was lost. The receiver may
then see the same `LakeSail-Delivery` id twice (the send happened, its record did not): that id, the email's
Message-ID and PagerDuty's dedup key make the repeat recognisable.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from apps.core import clock
from apps.notifications import messages
from apps.notifications.models import Channel, ChannelStatus, Notification, NotificationKind, NotificationStatus
from apps.notifications.transports import TransportError, transport_for
from apps.org.models import Member
from apps.org.permissions import SYSTEM_ORG_ROLES

log = logging.getLogger(__name__)

SWEEP_GRACE_SECONDS = 60
SWEEP_BATCH = 500


def retry_delay(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min: the delay after the n-th failed attempt."""
    return timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 4 ** (attempts - 1))


def enqueue(notification_id: str, *, at: datetime | None = None) -> None:
    from apps.notifications.tasks import send_notification  # the tasks module imports this one

    countdown = max(0.0, (at - clock.now()).total_seconds()) if at else None
    send_notification.apply_async((notification_id,), countdown=countdown)


def enqueue_after_commit(notification_id: str) -> None:
    # robust: the notification is committed whatever happens to the enqueue; the sweep catches up.
    transaction.on_commit(lambda: enqueue(notification_id), robust=True)


def dispatch_after_commit(event_id: str) -> None:
    """One task for all of an event's notifications, which enqueues a send for each (`dispatch`)."""
    from apps.notifications.tasks import dispatch_event

    transaction.on_commit(lambda: dispatch_event.delay(event_id), robust=True)


def dispatch(event_id: str) -> list[str]:
    """Enqueue a send for each pending notification of an event (a duplicate dispatch enqueues duplicate sends,
    which find their notification claimed or sent and do nothing)."""
    pending = Notification.objects.filter(
        event_id=event_id, kind=NotificationKind.EVENT, redelivery_of__isnull=True, status=NotificationStatus.PENDING
    )
    ids = list(pending.values_list("pk", flat=True))
    for notification_id in ids:
        enqueue(notification_id)
    return ids


def _claim(notification_id: str) -> Notification | None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("channel", "redelivery_of")
            .filter(pk=notification_id)
            .first()
        )
        now = clock.now()
        if notification is None or notification.status != NotificationStatus.PENDING:
            return None
        if notification.next_attempt_at and notification.next_attempt_at > now:
            return None
        channel = notification.channel
        disabled = channel.status == ChannelStatus.DISABLED and notification.kind != NotificationKind.TEST
        if channel.is_deleted or disabled:
            notification.status = NotificationStatus.SKIPPED
            notification.status_message = f"The channel is {'deleted' if channel.is_deleted else 'disabled'}."
            notification.updated_at = now
            notification.save()
            return None
        notification.status = NotificationStatus.DELIVERING
        notification.attempts += 1
        notification.last_attempt_at = notification.updated_at = now
        notification.next_attempt_at = None
        notification.save()
        return notification


def attempt(notification_id: str) -> datetime | None:
    """One send of a due, pending notification; returns when to try again after a transient failure."""
    notification = _claim(notification_id)
    if notification is None:
        return None
    try:
        note = transport_for(notification.channel.type).send(notification.channel, messages.build(notification))
        error = None
    except TransportError as exc:
        note, error = exc.message, exc
    retry_at, now_failing = _record(notification, note[:2000], error)
    if now_failing is not None:
        _tell_admins(now_failing)  # after the commit: the change to failing happened once, and so does the email
    return retry_at


@transaction.atomic
def _record(claimed: Notification, note: str, error: TransportError | None) -> tuple[datetime | None, Channel | None]:
    """Record an attempt's outcome; returns when to retry, and the channel if this attempt made it failing."""
    notification = Notification.objects.select_for_update().get(pk=claimed.pk)
    if notification.status != NotificationStatus.DELIVERING or notification.attempts != claimed.attempts:
        return None, None  # the sweep gave the attempt up meanwhile; the newer one records its own outcome
    channel = Channel.objects.select_for_update().get(pk=notification.channel_id)
    now = clock.now()
    notification.status_message = note
    notification.updated_at = now
    retry_at, now_failing = None, None
    if error is None:
        notification.status = NotificationStatus.DELIVERED
        notification.delivered_at = now
        _channel_succeeded(channel)
    else:
        # A test is tried once: its caller is waiting for the answer.
        final = (
            notification.kind == NotificationKind.TEST or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        )
        if error.permanent or final:
            notification.status = NotificationStatus.FAILED
        else:
            notification.status = NotificationStatus.PENDING
            notification.next_attempt_at = retry_at = now + retry_delay(notification.attempts)
        now_failing = channel if _channel_failed(channel, note) else None
    notification.save()
    if retry_at is not None:
        transaction.on_commit(lambda: enqueue(notification.pk, at=retry_at), robust=True)
    return retry_at, now_failing


def _channel_succeeded(channel: Channel) -> None:
    channel.consecutive_failures = 0
    if channel.status == ChannelStatus.FAILING:
        channel.status = ChannelStatus.ACTIVE
        channel.status_message = ""
    channel.save(update_fields=["consecutive_failures", "status", "status_message", "updated_at"])


def _channel_failed(channel: Channel, note: str) -> bool:
    """Count a failure; True when it made the channel failing."""
    channel.consecutive_failures += 1
    channel.status_message = note
    failing = channel.status == ChannelStatus.ACTIVE
    failing = failing and channel.consecutive_failures >= settings.NOTIFICATIONS_FAILING_AFTER
    if failing:
        channel.status = ChannelStatus.FAILING
    channel.save(update_fields=["consecutive_failures", "status", "status_message", "updated_at"])
    return failing


def admin_emails(organization_id: str) -> list[str]:
    """The enabled Owners and Admins: the members whose organization role manages notifications everywhere."""
    keys = [k for k, r in SYSTEM_ORG_ROLES.items() if r.all_teams and "CanManageNotifications" in r.permissions]
    members = Member.objects.filter(organization_id=organization_id, is_enabled=True, role_links__role__key__in=keys)
    return sorted(set(members.values_list("email", flat=True)))


def _tell_admins(channel: Channel) -> None:
    recipients = admin_emails(channel.organization_id)
    if not recipients:
        return
    context = {"channel": channel, "failures": channel.consecutive_failures, "base_url": settings.CONSOLE_BASE_URL}
    body = render_to_string("notifications/emails/channel_failing.txt", context)
    try:
        send_mail(f"LakeSail: notification channel {channel.name} is failing", body, None, recipients)
    except (smtplib.SMTPException, OSError):  # best effort: the channel's status says it is failing either way
        log.exception("could not tell the admins that channel %s is failing", channel.pk)


def sweep(*, grace_seconds: float = SWEEP_GRACE_SECONDS) -> list[str]:
    """Beat: give abandoned claims back, and enqueue the due notifications whose task was lost; their ids.

    A claim is abandoned once its lease ran out: long after the send's own timeout, so a slow worker has given
    up before its notification is sent again (and its late outcome is ignored: `_record` checks the claim)."""
    now = clock.now()
    lease = timedelta(seconds=settings.NOTIFICATIONS_SEND_TIMEOUT_SECONDS * 3 + grace_seconds)
    abandoned = list(
        Notification.objects.filter(status=NotificationStatus.DELIVERING, last_attempt_at__lt=now - lease)
        .order_by("last_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    Notification.objects.filter(pk__in=abandoned, status=NotificationStatus.DELIVERING).update(
        status=NotificationStatus.PENDING, status_message="The worker sending it stopped; sent again.", updated_at=now
    )
    cutoff = now - timedelta(seconds=grace_seconds)
    overdue = Notification.objects.filter(
        Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, updated_at__lte=cutoff),
        status=NotificationStatus.PENDING,
    )
    ids = abandoned + list(overdue.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    # Due again from now: the next sweep waits another grace before enqueueing them once more.
    Notification.objects.filter(pk__in=ids).update(updated_at=now, next_attempt_at=now)
    for notification_id in ids:
        enqueue(notification_id)
    return ids


def send_due() -> int:
    """Send every pending notification that is due, in this process (a test helper, like the event bus's
    `deliver_pending`); returns how many were attempted."""
    now = clock.now()
    due = Notification.objects.filter(status=NotificationStatus.PENDING).exclude(next_attempt_at__gt=now)
    ids = list(due.order_by("created_at", "id").values_list("pk", flat=True))
    for notification_id in ids:
        attempt(notification_id)
    return len(ids)
