"""Tables of the tip feature (empty until that feature lands)."""
from __future__ import annotations
