"""A size limit reads as people say it ("50 Mo"), never as a count of bytes."""

from __future__ import annotations

from app.messages import register_messages
from dossier.errors import TooLarge


def test_a_too_large_error_says_the_limit_in_megabytes_in_both_languages():
    register_messages()
    error = TooLarge("upload_too_large", {"limit": 50 * 1024 * 1024})
    assert error.message("fr") == "Le fichier dépasse la taille maximale (50 Mo)."
    assert error.message("en") == "The file exceeds the maximum size (50 MB)."
    assert error.ctx["limit"] == 50 * 1024 * 1024  # machines still get the number
