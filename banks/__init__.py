"""banks package."""
