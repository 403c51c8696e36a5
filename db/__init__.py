"""Database layer: models, engine, migrations and data access (no domain rules above it)."""
