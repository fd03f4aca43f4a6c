"""The schedule function (apps/workloads/schedule.py) and the previews built on it, across daylight-saving changes."""

import datetime as dt

import pytest

from apps.workloads.schedule import ScheduleError, fire_times, next_fire, validate

NEW_YORK = "America/New_York"
# 2026: clocks go forward on March 8 (02:00 → 03:00) and back on November 1 (02:00 → 01:00) in New York.
BEFORE_SPRING = dt.datetime(2026, 3, 7, 17, tzinfo=dt.UTC)
BEFORE_FALL = dt.datetime(2026, 10, 31, 17, tzinfo=dt.UTC)


def _local(schedule) -> list[str]:
    return [t.local.isoformat() for t in schedule.fire_times]


def test_a_daily_job_in_the_skipped_hour_fires_right_after_the_gap_and_says_so():
    schedule = fire_times("30 2 * * *", NEW_YORK, after=BEFORE_SPRING, count=3)
    assert _local(schedule) == [
        "2026-03-08T03:00:00-04:00",
        "2026-03-09T02:30:00-04:00",
        "2026-03-10T02:30:00-04:00",
    ]
    assert [t.dst_skipped for t in schedule.fire_times] == [True, False, False]
    assert schedule.fire_times[0].utc == dt.datetime(2026, 3, 8, 7, tzinfo=dt.UTC)
    assert schedule.description == "At 02:30 every day"


def test_an_hourly_job_loses_the_slot_that_did_not_exist_and_flags_the_next_fire():
    schedule = fire_times("30 * * * *", NEW_YORK, after=dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC), count=3)
    assert _local(schedule) == [
        "2026-03-08T00:30:00-05:00",
        "2026-03-08T01:30:00-05:00",
        "2026-03-08T03:30:00-04:00",
    ]
    assert [t.dst_skipped for t in schedule.fire_times] == [False, False, True]


def test_a_daily_job_in_the_repeated_hour_fires_once_at_the_first_occurrence():
    schedule = fire_times("30 1 * * *", NEW_YORK, after=BEFORE_FALL, count=2)
    assert _local(schedule) == ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]
    assert [t.dst_repeated for t in schedule.fire_times] == [True, False]
    assert not any(t.dst_skipped for t in schedule.fire_times)


def test_an_hourly_job_fires_in_both_occurrences_of_the_repeated_hour():
    schedule = fire_times("30 * * * *", NEW_YORK, after=dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC), count=4)
    assert [t.utc.hour for t in schedule.fire_times] == [4, 5, 6, 7]
    assert [t.dst_repeated for t in schedule.fire_times] == [False, True, True, False]


def test_fire_times_are_strictly_after_the_instant_and_in_utc_too():
    after = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC)
    schedule = fire_times("0 2 * * *", "UTC", after=after, count=1)
    assert schedule.fire_times[0].utc == dt.datetime(2026, 1, 2, 2, 0, tzinfo=dt.UTC)
    assert next_fire("@hourly", "Europe/Paris", after=after) == dt.datetime(2026, 1, 1, 3, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("expression", "timezone", "field"),
    [
        ("61 * * * *", "UTC", "cronExpression"),
        ("* * * *", "UTC", "cronExpression"),
        ("0 0 30 2 *", "UTC", "cronExpression"),
        ("* * * * * *", "UTC", "cronExpression"),
        ("* * * * *", "Mars/Olympus", "cronTimezone"),
        ("* * * * *", "../../etc/passwd", "cronTimezone"),
    ],
)
def test_it_names_the_field_of_what_is_not_valid(expression, timezone, field):
    with pytest.raises(ScheduleError) as caught:
        validate(expression, timezone)
    assert caught.value.field == field


def test_it_describes_expressions_in_words():
    assert validate("0 9 * * 1-5", "UTC") == "At 09:00 on Monday through Friday"
    assert validate("@weekly", "UTC") == validate("0 0 * * 0", "UTC")


def test_the_preview_endpoint_shows_the_dst_gap_in_local_and_utc_time(api):
    response = api.post(
        "/workloads/schedule-preview",
        {"cronExpression": "30 2 * * *", "cronTimezone": NEW_YORK, "count": 2, "after": "2026-03-07T17:00:00Z"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["description"] == "At 02:30 every day"
    assert body["fireTimes"] == [
        {"local": "2026-03-08T03:00:00-04:00", "utc": "2026-03-08T07:00:00Z", "dstSkipped": True, "dstRepeated": False},
        {
            "local": "2026-03-09T02:30:00-04:00",
            "utc": "2026-03-09T06:30:00Z",
            "dstSkipped": False,
            "dstRepeated": False,
        },
    ]


def test_the_preview_endpoint_reports_a_bad_expression_as_a_field_error(api):
    response = api.post("/workloads/schedule-preview", {"cronExpression": "0 25 * * *", "cronTimezone": "UTC"})
    assert response.status_code == 400
    assert response.json()["details"]["fieldErrors"] == {"cronExpression": "Bad hour in '0 25 * * *'."}


def test_a_member_without_any_job_permission_cannot_preview(api_as, acme):
    from apps.identity.services.users import user_create
    from apps.org.services.organizations import member_add
    from tests.conftest import PASSWORD

    outsider = user_create(email="nobody@acme.test", password=PASSWORD)
    member_add(org=acme, user=outsider, role_keys=["member"])  # no team: team-scoped relations reach nothing
    response = api_as(outsider, acme).post("/workloads/schedule-preview", {"cronExpression": "@daily"})
    assert response.status_code == 403
    assert response.json()["details"]["causedBy"] == "CanViewJobs"
