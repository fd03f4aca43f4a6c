"""Sail fixtures (the data-plane issue fills this in)."""
