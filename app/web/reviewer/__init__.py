"""Pages of the reviewer area."""
