"""How a session ends, whoever ends it (its owner, the reaper, a lost server): one transition, audited, announced.

The caller holds the transaction and has locked the row; cleanup of the session's server follows after commit.
"""

from apps.core import audit, clock
from apps.core.events import publish
from apps.workloads.models import Session, SessionStatus, TerminationReason
from apps.workloads.services.run_states import owner_user_id

# The events other domains subscribe to (notifications' catalog lists the payload); a close by the owner is in the
# audit log only.
EVENTS = {TerminationReason.IDLE_TIMEOUT: "session.idle_closed", TerminationReason.MAX_DURATION: "session.timed_out"}


def end_session(session: Session, *, reason: TerminationReason, message: str = "") -> None:
    failed = reason == TerminationReason.SERVER_FAILED
    session.status = SessionStatus.FAILED if failed else SessionStatus.CLOSED
    session.termination_reason = reason
    session.status_message = message
    session.closed_at = clock.now()
    session.save(update_fields=["status", "termination_reason", "status_message", "closed_at", "updated_at"])
    audit.record(
        "session.fail" if failed else "session.close",
        organization_id=session.organization_id,
        target_type="session",
        target_id=session.pk,
        changes={"terminationReason": str(reason), "message": message},
        outcome=audit.FAILURE if failed else audit.SUCCESS,
    )
    event = "session.failed" if failed else EVENTS.get(reason)
    if event:
        publish(
            event,
            session,
            {
                "sessionId": session.pk,
                "name": session.name,
                "clusterId": session.compute_config.cluster_id,
                "teamIds": [session.team_id],
                "ownerId": owner_user_id(session.member_id),  # personal rules hear of their own sessions
                "terminationReason": str(reason),
                "message": message,
            },
        )
