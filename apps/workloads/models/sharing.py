class SharedWithTeams:
    """A resource shared with teams through `team_links` (prefetched by the selectors that list it)."""

    @property
    def team_ids(self) -> list[str]:
        return [link.team_id for link in self.team_links.all()]  # type: ignore[attr-defined]
