"""The leak detector itself: it must really catch a secret shown twice."""

import json

from tests.plugins.secret_leaks import LeakDetector

KEY = "lsk_" + "k" * 43


def exchange(method, url, response, request=None, status=200):
    return (method, url, json.dumps(request) if request else "", status, json.dumps(response))


def test_it_reports_an_api_key_that_reappears_in_another_response():
    detector = LeakDetector()
    detector.feed([exchange("POST", "/api/v1/org/service-accounts/A/keys", {"id": "K", "secret": KEY})])
    assert detector.check() == []
    detector.feed([exchange("GET", "/api/v1/org/service-accounts/A/keys", {"items": [{"note": f"key {KEY}"}]})])
    leaks = detector.check()
    assert len(leaks) == 1 and "GET /api/v1/org/service-accounts/A/keys" in str(leaks[0])


def test_it_reports_recovery_codes_and_totp_seeds_shown_twice():
    codes = ["ABCD-EFGH-IJKL-MNOP", "QRST-UVWX-YZ23-4567"]
    detector = LeakDetector()
    detector.feed(
        [
            exchange(
                "POST", "/api/v1/me/mfa/totp", {"secret": "S" * 32, "otpauthUri": "otpauth://x?secret=" + "S" * 32}
            ),
            exchange("POST", "/api/v1/me/mfa/totp/confirm", {"recoveryCodes": codes}),
            exchange("GET", "/api/v1/me/mfa", {"debug": codes[1]}),
            exchange("GET", "/api/v1/me", {"user": {"displayName": "S" * 32}}),
        ]
    )
    assert sorted(leak.leaked_by for leak in detector.check()) == ["GET /api/v1/me (200)", "GET /api/v1/me/mfa (200)"]


def test_it_reports_an_idp_client_secret_found_in_any_response():
    detector = LeakDetector()
    secret = "client-secret-value-123"
    detector.feed(
        [
            exchange(
                "POST", "/api/v1/auth/idps", {"id": "I"}, request={"configWrite": {"oidc": {"clientSecret": secret}}}
            ),
            exchange("GET", "/api/v1/auth/idps/I", {"config": {"oidc": {"clientSecret": secret}}}),
        ]
    )
    assert len(detector.check()) == 1


def test_a_secret_leaked_before_it_was_noticed_is_still_found():
    detector = LeakDetector()
    detector.feed([exchange("GET", "/api/v1/me", {"x": KEY})])
    assert detector.check() == []
    detector.feed([exchange("POST", "/api/v1/org/service-accounts/A/keys", {"secret": KEY})])
    assert len(detector.check()) == 1


def test_errors_and_short_values_are_not_secrets():
    detector = LeakDetector()
    detector.feed(
        [
            exchange("POST", "/api/v1/auth/login", {"token": "short"}),
            exchange("GET", "/api/v1/x", {"token": "short"}),
            exchange("POST", "/api/v1/x", {"secret": KEY}, status=400),
            exchange("GET", "/api/v1/y", {"v": KEY}),
        ]
    )
    assert detector.check() == []
