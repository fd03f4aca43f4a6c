from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from apps.core.api.fields import Constant, NewPasswordField
from apps.identity.api.serializers.users import UserSerializer

LOGIN_METHODS = ["totp", "recovery_code", "email_code"]


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    deviceId = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    trustedDeviceToken = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Skips MFA on a trusted device."
    )


class OrganizationSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()


class LoginResponseSerializer(serializers.Serializer):
    outcome = Constant("authenticated", help_text="Signed in: `token` is the login token.")
    token = serializers.CharField()
    expiresAt = serializers.DateTimeField()
    loginId = serializers.CharField()
    user = UserSerializer()
    organizations = OrganizationSummarySerializer(many=True)
    trustedDeviceToken = serializers.CharField(
        required=False, help_text="Present when the device was just trusted: send it with later logins."
    )


class ChallengeSerializer(serializers.Serializer):
    """A sign-in step is pending: answer it at /auth/challenge/verify (or /auth/challenge/password)."""

    outcome = Constant("challenge", help_text="A step is pending: answer the challenge.")
    challengeId = serializers.CharField()
    mfaRequired = serializers.BooleanField()
    passwordChangeRequired = serializers.BooleanField()
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=[*LOGIN_METHODS, "new_password"]), help_text="Accepted answers."
    )
    expiresAt = serializers.DateTimeField()


LoginOutcomeSerializer = PolymorphicProxySerializer(
    component_name="LoginOutcome",
    serializers={"authenticated": LoginResponseSerializer, "challenge": ChallengeSerializer},
    resource_type_field_name="outcome",
)


class OrganizationListSerializer(serializers.Serializer):
    items = OrganizationSummarySerializer(many=True)


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = NewPasswordField()
    givenName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    familyName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    organizationName = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Creates an organization you own."
    )


class SignupResponseSerializer(serializers.Serializer):
    """The same for a new address and a known one: nothing here says whether an account existed."""

    email = serializers.EmailField(help_text="Where the link was sent: open it, then log in.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ChallengeVerifySerializer(serializers.Serializer):
    challengeId = serializers.CharField(max_length=100)
    method = serializers.ChoiceField(choices=LOGIN_METHODS)
    code = serializers.CharField(max_length=40)
    trustDevice = serializers.BooleanField(required=False, default=False)
    deviceId = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ChallengeRefSerializer(serializers.Serializer):
    challengeId = serializers.CharField(max_length=100)


class ChallengePasswordSerializer(serializers.Serializer):
    challengeId = serializers.CharField(max_length=100)
    newPassword = NewPasswordField()


class PasswordResetSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
    newPassword = NewPasswordField()


class ReauthSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=256, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


class ReauthResponseSerializer(serializers.Serializer):
    authTime = serializers.DateTimeField()
