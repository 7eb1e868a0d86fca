"""Tables of the broadcast feature (empty until that feature lands)."""
from __future__ import annotations
