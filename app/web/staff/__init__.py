"""Pages of the staff area."""
