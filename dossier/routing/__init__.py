"""Routing a submitted dossier to partners: the route state machine and its events."""
