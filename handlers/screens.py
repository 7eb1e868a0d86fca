"""The one ordered list of features, and the factory that wires the dialogue."""
from __future__ import annotations

from handlers.dialogue import Dialogue
from handlers.features import Feature
from handlers.i18n import Catalog
from handlers.menu import resident_feature
from handlers.router import Router
from handlers.ports import UnitOfWorkFactory


def build_dialogue(uow_factory: UnitOfWorkFactory, catalog: Catalog,
                   extra: list[Feature] | None = None) -> Dialogue:
    """The conversation: the resident feature first, then each feature module given."""
    features = [resident_feature(), *(extra or [])]
    screens = [screen for feature in features for screen in feature.screens]
    menu = [item for feature in features for item in feature.menu]
    return Dialogue(uow_factory, catalog, screens, Router(features), menu)
