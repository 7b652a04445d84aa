"""Pages of the common area."""
