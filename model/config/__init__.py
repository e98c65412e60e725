"""Typed configuration: the base ``Config`` model, TOML tables and key paths, reading the schema, and
the one translator from pydantic's validation errors to :class:`model.errors.ModelInputError`."""
