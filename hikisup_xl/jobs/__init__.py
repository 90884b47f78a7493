"""The jobs that are not the core's check/number/expiries: thin adapters that give every job
the one shape `(engine, today, **options) -> Result` its declaration in registry.py names."""
