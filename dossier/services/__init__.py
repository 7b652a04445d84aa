"""Domain services: plain keyword-only functions over a session."""

from dossier.services import messages as _messages  # noqa: F401  (registers the texts)
