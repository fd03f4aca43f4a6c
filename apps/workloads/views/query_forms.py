"""The saved-query editor's form and where the services' wire field errors land on it."""

from typing import Any

from django import forms

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.workloads.models import Query
from apps.workloads.services.queries import MAX_TAGS

FIELDS = {
    "queryText": "query_text",
    "catalogId": "catalog",
    "catalog_schema": "catalog_schema",
    "teamIds": "teams",
}


def code_widget(language: str, rows: int = 14) -> forms.Textarea:
    """A textarea that static/js/workloads-editor.js turns into a code editor (it stays one without script)."""
    return forms.Textarea(
        attrs={"rows": rows, "spellcheck": "false", "class": "code", "data-code-editor": language, "wrap": "off"}
    )


class QueryForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    catalog = forms.ChoiceField(required=False, help_text="Empty: Sail's own in-memory catalog.")
    catalog_schema = forms.CharField(
        required=False, max_length=200, label="Database", help_text="Where unqualified table names resolve."
    )
    tags = forms.CharField(required=False, max_length=2000, help_text=f"Comma-separated, at most {MAX_TAGS}.")
    teams = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Teams whose members may see and use it; none: the whole organization.",
    )
    query_text = forms.CharField(label="SQL", widget=code_widget("sql"), strip=False)

    def __init__(
        self,
        *args: Any,
        catalogs: list[tuple[str, str]],
        teams: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog"].choices = [("", "Sail's memory catalog"), *catalogs]
        if teams is None:
            del self.fields["teams"]
        else:
            self.fields["teams"].choices = teams

    def values(self) -> dict[str, Any]:
        """The service's values, by wire name."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "catalogId": data["catalog"] or None,
            "catalog_schema": data["catalog_schema"],
            "queryText": data["query_text"],
            "tags": [tag.strip() for tag in data["tags"].split(",") if tag.strip()],
        }

    @staticmethod
    def initial_for(query: Query) -> dict[str, Any]:
        return {
            "name": query.name,
            "description": query.description,
            "catalog": query.catalog_id or "",
            "catalog_schema": query.catalog_schema,
            "tags": ", ".join(query.tags),
            "query_text": query.query_text,
        }


def query_form_error(form: forms.Form, exc: ApplicationError) -> None:
    add_service_error(form, exc, FIELDS)
