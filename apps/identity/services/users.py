from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.errors import Conflict, InvalidInput
from apps.identity.models import User


@transaction.atomic
def user_create(
    *, email: str, password: str | None, given_name: str = "", family_name: str = "", display_name: str = ""
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict("A user with this email exists.", field_errors={"email": "Already registered."})
    user = User(email=email, given_name=given_name, family_name=family_name, display_name=display_name)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput("The password is too weak.", field_errors={"password": " ".join(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    return user
