"""Tables of the statistics feature (empty until that feature lands)."""
from __future__ import annotations
