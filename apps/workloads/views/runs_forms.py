"""The runs console's forms: the list's filters, "Run now", retry, and the backfill dialog. Times are typed in the
viewer's timezone (`datetime-local`): validate them inside `timezone.override(...)`."""

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django import forms

from apps.workloads.models import JobRunStatus, RunTrigger
from apps.workloads.selectors.runs import RunFilters
from apps.workloads.services.run_backfills import MAX_CONCURRENT

LOCAL_TIME = {"type": "datetime-local"}


def _choices(values: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "Any"), *values]


class RunFilterForm(forms.Form):
    """The runs list's filters: one status, one trigger, one job, a creation window."""

    status = forms.ChoiceField(required=False, choices=_choices(JobRunStatus.choices))
    trigger = forms.ChoiceField(required=False, choices=_choices(RunTrigger.choices))
    job = forms.ChoiceField(required=False)
    created_after = forms.DateTimeField(
        required=False, label="Created after", widget=forms.DateTimeInput(attrs=LOCAL_TIME)
    )
    created_before = forms.DateTimeField(
        required=False, label="Created before", widget=forms.DateTimeInput(attrs=LOCAL_TIME)
    )

    def __init__(self, data: Any, *, jobs: Sequence[tuple[str, str]]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["job"]).choices = _choices(jobs)

    def run_filters(self) -> tuple[RunFilters, str]:
        """The selector's filters and the job id (empty: every job); a field that is not valid filters nothing."""
        self.is_valid()  # the valid fields stay in cleaned_data and still filter
        data = self.cleaned_data
        status, trigger = data.get("status") or "", data.get("trigger") or ""
        filters = RunFilters(
            statuses=(status,) if status else (),
            triggers=(trigger,) if trigger else (),
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
        )
        return filters, data.get("job") or ""


class RunNowForm(forms.Form):
    version = forms.TypedChoiceField(coerce=int, label="Version", empty_value=None)
    hold = forms.BooleanField(
        required=False, label="Hold", help_text="Created pending: it starts when someone releases it."
    )

    def __init__(self, data: Any = None, *, versions: Sequence[int], current: int | None) -> None:
        super().__init__(data, initial={"version": current})
        cast(forms.ChoiceField, self.fields["version"]).choices = [
            (n, f"Version {n}{' (current)' if n == current else ''}") for n in versions
        ]


class RetryForm(forms.Form):
    hold = forms.BooleanField(required=False, label="Hold the retry")


class BackfillForm(forms.Form):
    start = forms.DateTimeField(label="From", widget=forms.DateTimeInput(attrs=LOCAL_TIME))
    end = forms.DateTimeField(label="To", widget=forms.DateTimeInput(attrs=LOCAL_TIME))
    max_concurrent = forms.IntegerField(
        label="At most at once",
        min_value=1,
        max_value=MAX_CONCURRENT,
        initial=1,
        help_text="How many of its runs execute at the same time.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and start > end:
            self.add_error("start", "At or before To.")
        return data


# The backfill service's wire names → this form's fields.
BACKFILL_FIELDS = {"from": "start", "to": "end", "maxConcurrent": "max_concurrent"}
