"""Tables of the zalo feature (empty until that feature lands)."""
from __future__ import annotations
