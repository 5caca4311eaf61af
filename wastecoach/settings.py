"""All settings of the one-process runner: the union of each component's."""

from __future__ import annotations

from consumers.settings import ConsumerSettings
from edge.settings import EdgeSettings
from svc_auth.settings import AuthSettings
from svc_coach.settings import CoachSettings
from svc_locations.settings import LocationsSettings
from svc_waste.settings import WasteSettings


class AllSettings(
    EdgeSettings, WasteSettings, ConsumerSettings, LocationsSettings, CoachSettings, AuthSettings
):
    pass
