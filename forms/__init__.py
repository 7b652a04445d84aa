"""How the dossier is shown: form definition, French display, HTML and PDF rendering."""
