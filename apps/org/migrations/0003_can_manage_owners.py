"""CanBreakGlass is now CanManageOwners (what it always decided: acting on Owners); its bundle is owner_admin.

Stored names are rewritten: policies listing the old relation, the seeded bundle rows and the Owner role's
seeded description. Reversible, so a rollback finds the rows it knows.
"""

from django.db import migrations

OLD, NEW = "CanBreakGlass", "CanManageOwners"
BUNDLE_OLD = ("break_glass", "Break glass", "Reach every resource whatever it is shared with")
BUNDLE_NEW = ("owner_admin", "Owner administration", "Act on Owners and grant the Owner role")
OWNER_OLD = "Full control, including break-glass access"
OWNER_NEW = "Full control, including acting on other Owners"


def _rename(apps, *, relation: tuple[str, str], bundle: tuple[tuple, tuple], owner: tuple[str, str]) -> None:
    Policy = apps.get_model("org", "Policy")
    PermissionBundle = apps.get_model("org", "PermissionBundle")
    Role = apps.get_model("org", "Role")
    old, new = relation
    for policy in Policy.objects.filter(permissions__icontains=old):
        if old in policy.permissions:
            policy.permissions = sorted({new if p == old else p for p in policy.permissions})
            policy.save(update_fields=["permissions"])
    (code_from, _name, _description), (code_to, name_to, description_to) = bundle
    # An organization seeded after the code changed (post_migrate) may already hold the new bundle.
    PermissionBundle.objects.filter(
        code=code_from, organization__in=PermissionBundle.objects.filter(code=code_to).values("organization")
    ).delete()
    PermissionBundle.objects.filter(code=code_from).update(code=code_to, name=name_to, description=description_to)
    Role.objects.filter(key="owner", description=owner[0]).update(description=owner[1])


def forwards(apps, schema_editor) -> None:
    _rename(apps, relation=(OLD, NEW), bundle=(BUNDLE_OLD, BUNDLE_NEW), owner=(OWNER_OLD, OWNER_NEW))


def backwards(apps, schema_editor) -> None:
    _rename(apps, relation=(NEW, OLD), bundle=(BUNDLE_NEW, BUNDLE_OLD), owner=(OWNER_NEW, OWNER_OLD))


class Migration(migrations.Migration):
    dependencies = [("org", "0002_teams_policies_invitations")]

    operations = [migrations.RunPython(forwards, backwards)]
