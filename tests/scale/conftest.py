"""The scale test runs on its own (`make test-scale`, SCALE_TEST=1): it takes both cores."""

from __future__ import annotations

import os

import pytest

collect_ignore = [] if os.environ.get("SCALE_TEST") else ["test_scale_out.py"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (strict markers)."""
    config.addinivalue_line("markers", "scale: the multi-worker scale-out test (make test-scale)")
