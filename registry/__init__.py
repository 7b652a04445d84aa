"""Adapters to the company registries (the state's public search API, INSEE's SIRENE)."""
