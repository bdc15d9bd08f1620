"""Factories for every model, one module per app."""

from tests.factories.agreements import *  # noqa: F403
from tests.factories.mentorship import *  # noqa: F403
from tests.factories.promotions import *  # noqa: F403
