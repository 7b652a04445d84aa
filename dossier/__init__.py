"""dossier package."""
