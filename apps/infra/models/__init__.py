from apps.infra.models.sail_processes import LIVE_STATUSES, SailProcess, SailProcessLifetime, SailProcessStatus

__all__ = ["LIVE_STATUSES", "SailProcess", "SailProcessLifetime", "SailProcessStatus"]
