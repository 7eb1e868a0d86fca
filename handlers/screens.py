"""One ordered list of every screen, and the factory that wires the dialogue."""
from __future__ import annotations

from handlers.dialogue import Dialogue
from handlers.i18n import Catalog
from handlers.library import LibraryListScreen, LibraryReadScreen, LibraryTopicsScreen
from handlers.menu import LanguageScreen, MainScreen, Router, SettingsScreen, UnsubscribeScreen
from handlers.onboarding import CommuneScreen, TopicsScreen
from handlers.ports import UnitOfWorkFactory


def build_dialogue(uow_factory: UnitOfWorkFactory, catalog: Catalog) -> Dialogue:
    """The resident conversation: onboarding, main menu, settings, library."""
    screens = [CommuneScreen(), TopicsScreen(), MainScreen(), SettingsScreen(),
               LanguageScreen(), UnsubscribeScreen(), LibraryTopicsScreen(),
               LibraryListScreen(), LibraryReadScreen()]
    return Dialogue(uow_factory, catalog, screens, Router())
