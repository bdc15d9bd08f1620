"""Factories for promotion reviews and statements."""

__all__: list[str] = []
