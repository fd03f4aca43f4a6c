"""Infrastructure providers. `local` runs Sail servers as processes on this host."""
