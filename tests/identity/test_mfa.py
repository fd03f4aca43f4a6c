"""TOTP enrollment, the MFA challenge, recovery codes, trusted devices, resets."""

import re
from datetime import timedelta

import pyotp

from apps.identity.models import Login, TotpDevice
from tests.conftest import PASSWORD
from tests.identity.conftest import totp_now

RECOVERY = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")


def password_step(anon, **extra):
    response = anon.post("/auth/login", {"email": "alice@acme.test", "password": PASSWORD, **extra})
    assert response.status_code == 200
    return response.json()


def verify(anon, challenge, method, code, **extra):
    return anon.post("/auth/challenge/verify", {"challengeId": challenge, "method": method, "code": code, **extra})


def test_enrollment_shows_the_secret_as_text_uri_and_svg_and_stores_it_encrypted(api, alice, clock):
    response = api.post("/me/mfa/totp")
    assert response.status_code == 201
    body = response.json()
    assert len(body["secret"]) == 32  # 160 bits of base32
    assert body["otpauthUri"].startswith("otpauth://totp/LakeSail:alice%40acme.test?secret=" + body["secret"])
    assert body["qrSvg"].startswith("<svg") and "<script" not in body["qrSvg"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select secret from identity_totpdevice where user_id = %s", [alice.pk])
        stored = cursor.fetchone()[0]
    assert body["secret"] not in stored
    assert TotpDevice.objects.get(user=alice).confirmed_at is None
    assert api.get("/me/mfa").json() == {"totpEnabled": False, "recoveryCodesRemaining": 0}


def test_a_wrong_code_does_not_confirm_enrollment(api, clock):
    api.post("/me/mfa/totp")
    response = api.post("/me/mfa/totp/confirm", {"code": "000000"})
    assert response.status_code == 400 and response.json()["details"]["fieldErrors"] == {"code": "Not valid."}
    assert api.post("/me/mfa/totp/confirm", {"code": ""}).status_code == 400


def test_confirming_turns_mfa_on_and_returns_ten_recovery_codes(api, clock):
    secret = api.post("/me/mfa/totp").json()["secret"]
    response = api.post("/me/mfa/totp/confirm", {"code": totp_now(secret, clock)})
    codes = response.json()["recoveryCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10 and all(RECOVERY.match(c) for c in codes)
    assert api.get("/me/mfa").json() == {"totpEnabled": True, "recoveryCodesRemaining": 10}
    assert api.post("/me/mfa/totp").status_code == 409


def test_password_login_answers_a_challenge_then_totp_opens_the_login(anon, alice_totp, clock):
    body = password_step(anon)
    assert body["mfaRequired"] is True and "token" not in body
    assert body["methods"] == ["totp", "recovery_code", "email_code"]
    response = verify(anon, body["challengeId"], "totp", totp_now(alice_totp, clock))
    assert response.status_code == 200 and response.json()["token"].startswith("lst_")


def test_a_replayed_totp_step_is_rejected(anon, alice_totp, clock):
    code = totp_now(alice_totp, clock)
    assert verify(anon, password_step(anon)["challengeId"], "totp", code).status_code == 200
    replay = verify(anon, password_step(anon)["challengeId"], "totp", code)
    assert replay.status_code == 401 and replay.json()["code"] == "invalid_code"
    # Neither is the previous step (inside the ±1 window) once a newer one was used.
    previous = pyotp.TOTP(alice_totp).at(clock.now() - timedelta(seconds=30))
    assert verify(anon, password_step(anon)["challengeId"], "totp", previous).status_code == 401
    clock.advance(seconds=30)
    assert verify(anon, password_step(anon)["challengeId"], "totp", totp_now(alice_totp, clock)).status_code == 200


def test_codes_one_step_away_are_accepted_two_are_not(anon, alice_totp, clock):
    totp = pyotp.TOTP(alice_totp)
    assert (
        verify(
            anon, password_step(anon)["challengeId"], "totp", totp.at(clock.now() + timedelta(seconds=60))
        ).status_code
        == 401
    )
    assert (
        verify(
            anon, password_step(anon)["challengeId"], "totp", totp.at(clock.now() + timedelta(seconds=30))
        ).status_code
        == 200
    )


def test_each_recovery_code_works_once(api, anon, alice_totp, clock):
    codes = api.post("/me/mfa/recovery-codes").json()["recoveryCodes"]
    for code in codes[:3]:
        assert verify(anon, password_step(anon)["challengeId"], "recovery_code", code).status_code == 200
        assert verify(anon, password_step(anon)["challengeId"], "recovery_code", code).status_code == 401
    # Lower case and without dashes is the same code.
    relaxed = codes[3].replace("-", "").lower()
    assert verify(anon, password_step(anon)["challengeId"], "recovery_code", relaxed).status_code == 200
    assert api.get("/me/mfa").json()["recoveryCodesRemaining"] == 6


def test_regenerating_recovery_codes_invalidates_the_old_set(api, anon, alice_totp, clock):
    old = api.post("/me/mfa/recovery-codes").json()["recoveryCodes"]
    new = api.post("/me/mfa/recovery-codes").json()["recoveryCodes"]
    assert set(old).isdisjoint(new)
    assert verify(anon, password_step(anon)["challengeId"], "recovery_code", old[0]).status_code == 401
    assert verify(anon, password_step(anon)["challengeId"], "recovery_code", new[0]).status_code == 200


def test_five_wrong_codes_end_the_challenge(anon, alice_totp, clock):
    challenge = password_step(anon)["challengeId"]
    for _ in range(5):
        assert verify(anon, challenge, "totp", "000000").status_code == 401
    ended = verify(anon, challenge, "totp", totp_now(alice_totp, clock))
    assert ended.status_code == 401 and ended.json()["code"] == "challenge_invalid"


def test_wrong_codes_count_toward_the_account_lockout(anon, alice_totp, clock):
    for _ in range(2):
        challenge = password_step(anon)["challengeId"]
        for _ in range(5):
            verify(anon, challenge, "totp", "000000")
    locked = anon.post("/auth/login", {"email": "alice@acme.test", "password": PASSWORD})
    assert locked.status_code == 429


def test_a_challenge_refuses_unknown_methods_and_bad_input(anon, alice_totp):
    challenge = password_step(anon)["challengeId"]
    assert verify(anon, challenge, "sms", "123456").status_code == 400
    assert verify(anon, "lsc_forged", "totp", "123456").json()["code"] == "challenge_invalid"


def test_a_trusted_device_skips_mfa_for_30_days(anon, alice_totp, clock):
    body = verify(anon, password_step(anon)["challengeId"], "totp", totp_now(alice_totp, clock), trustDevice=True)
    trusted = body.json()["trustedDeviceToken"]
    assert trusted.startswith("ltd_") and body.cookies["lakesail_trusted_device"].value == trusted
    assert "token" in password_step(anon, trustedDeviceToken=trusted)
    clock.advance(days=30, seconds=1)
    assert password_step(anon, trustedDeviceToken=trusted)["mfaRequired"] is True


def test_reset_my_mfa_needs_a_recent_sign_in_and_ends_every_login(api, alice, alice_totp, clock):
    clock.advance(minutes=16)
    stale = api.delete("/me/mfa")
    assert stale.status_code == 401 and stale.json()["code"] == "reauth_required"
    assert api.post("/auth/reauth", {"password": "wrong-password"}).status_code == 401
    assert api.post("/auth/reauth", {"password": PASSWORD}).status_code == 200
    assert api.delete("/me/mfa").status_code == 204
    assert not Login.objects.filter(user=alice, revoked_at__isnull=True).exists()
    assert api.get("/me").status_code == 401
    assert not TotpDevice.objects.filter(user=alice).exists()


def test_reauth_accepts_an_authenticator_code(api, alice_totp, clock):
    clock.advance(minutes=16)
    assert api.post("/auth/reauth", {}).status_code == 400
    assert api.post("/auth/reauth", {"code": totp_now(alice_totp, clock)}).status_code == 200
    assert api.post("/me/mfa/recovery-codes").status_code == 201


def test_resetting_mfa_revokes_trusted_devices(api, api_as, anon, alice, alice_totp, clock):
    trusted = verify(
        anon, password_step(anon)["challengeId"], "totp", totp_now(alice_totp, clock), trustDevice=True
    ).json()["trustedDeviceToken"]
    assert len(api.get("/me/trusted-devices").json()["items"]) == 1
    assert api.delete("/me/mfa").status_code == 204
    assert api_as(alice).get("/me/trusted-devices").json()["items"] == []
    assert "token" in password_step(anon, trustedDeviceToken=trusted)  # MFA is off now: the password suffices


def test_service_accounts_have_no_mfa_or_logins(service_api):
    assert service_api.get("/me/mfa").status_code == 403
    assert service_api.get("/me/logins").status_code == 403
    assert service_api.post("/me/mfa/totp").status_code == 403
