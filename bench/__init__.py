"""Reproducible benchmarks: our path against the raw limit of the same work (`make bench`)."""
