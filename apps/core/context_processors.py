from django.http import HttpRequest

NAVIGATION = (
    ("Identity", "identity", "/identity/"),
    ("Org", "org", "/org/"),
    ("Infrastructure", "infra", "/infra/"),
    ("Workloads", "workloads", "/workloads/"),
    ("Notifications", "notifications", "/notifications/"),
)


def console(request: HttpRequest) -> dict:
    section = request.path.strip("/").split("/", 1)[0]
    return {
        "nav_items": [
            {"label": label, "key": key, "url": url, "active": key == section} for label, key, url in NAVIGATION
        ],
        "current_org": getattr(request, "console_org", None),
    }
