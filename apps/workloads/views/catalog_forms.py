"""The catalog editor's form: its option fields come from the provider's options (`catalog_providers.OPTIONS`).

Secret options are write-only: the field is empty on every page, says whether a value is configured, and a left-empty
field keeps the stored value (the service's merge patch); "Remove" unsets it.
"""

from typing import Any

from django import forms

from apps.core.console import add_service_error
from apps.core.errors import ApplicationError
from apps.workloads.catalog_providers import OPTIONS, WRITE, Option, wire_config
from apps.workloads.models import Catalog, CatalogProvider

PREFIX, CLEAR = "option_", "clear_"
LABELS = {
    "initialDatabase": "Initial database",
    "initialDatabaseComment": "Initial database comment",
    "endpointUrl": "Endpoint URL",
    "uri": "URI",
    "uris": "Metastore URIs",
    "url": "URL",
    "api": "API",
    "defaultCatalog": "Default catalog",
    "oauthAccessToken": "OAuth access token",
    "bearerAccessToken": "Bearer access token",
    "bearerToken": "Bearer token",
}


def option_label(wire: str) -> str:
    return LABELS.get(wire, wire[:1].upper() + wire[1:])


class CatalogForm(forms.Form):
    """New catalogs choose a provider and teams; an existing one keeps its provider (its options are its own)."""

    name = forms.CharField(max_length=200)
    provider = forms.ChoiceField(choices=CatalogProvider.choices, initial=CatalogProvider.MEMORY)
    teams = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Teams whose members may use it; none: the whole organization (needs the permission org-wide).",
    )

    def __init__(
        self,
        *args: Any,
        provider: str,
        teams: list[tuple[str, str]] = (),  # type: ignore[assignment]
        catalog: Catalog | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.provider_name = provider
        self.configured: dict[str, bool] = {}
        if catalog is not None:
            del self.fields["provider"], self.fields["teams"]
            shown = wire_config(catalog)
        else:
            self.fields["provider"].initial = provider
            self.fields["teams"].choices = teams
            shown = {}
        for option in OPTIONS[provider]:
            self._add_option(option, shown)

    def _add_option(self, option: Option, shown: dict[str, Any]) -> None:
        name = PREFIX + option.wire
        label = option_label(option.wire) + ("" if option.required else " (optional)")
        if option.secret:
            configured = bool(shown.get(f"{option.wire}Configured"))
            self.configured[option.wire] = configured
            field: forms.Field = forms.CharField(
                required=False,
                label=label,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                help_text="Configured: leave empty to keep it." if configured else "Write-only: never shown again.",
            )
        elif option.kind == "list":
            field = forms.CharField(
                required=False,
                label=label,
                widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                help_text="One per line.",
                initial="\n".join(shown.get(option.wire) or []),
            )
        elif option.choices:
            field = forms.ChoiceField(
                required=False,
                label=label,
                choices=[("", "—"), *((c, c) for c in option.choices)],
                initial=shown.get(option.wire) or "",
            )
        else:
            field = forms.CharField(required=False, max_length=2000, label=label, initial=shown.get(option.wire) or "")
            if option.kind == "url":
                field.widget.attrs["inputmode"] = "url"
        self.fields[name] = field
        if self.configured.get(option.wire):
            self.fields[CLEAR + option.wire] = forms.BooleanField(
                required=False, label=f"Remove the {option_label(option.wire).lower()}"
            )

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith((PREFIX, CLEAR))]

    def config_write(self) -> dict[str, Any]:
        """The service's `configWrite` (a merge patch): an emptied option is unset, an empty secret is kept."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for option in OPTIONS[self.provider_name]:
            value = data.get(PREFIX + option.wire) or ""
            if option.kind == "list":
                value = [line.strip() for line in value.splitlines() if line.strip()]
            if option.secret:
                if value:
                    out[option.wire] = value
                elif data.get(CLEAR + option.wire):
                    out[option.wire] = None
            elif value:
                out[option.wire] = value
            elif self.catalog is not None:
                out[option.wire] = None
        return out


def catalog_form_error(form: forms.Form, exc: ApplicationError) -> None:
    fields = {"teamIds": "teams", **{f"{WRITE}.{o.wire}": PREFIX + o.wire for opts in OPTIONS.values() for o in opts}}
    add_service_error(form, exc, fields)
