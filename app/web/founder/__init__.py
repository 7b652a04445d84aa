"""Pages of the founder area."""
