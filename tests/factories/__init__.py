"""Factories for every model, one module per app."""

from tests.factories.mentorship import *  # noqa: F403
