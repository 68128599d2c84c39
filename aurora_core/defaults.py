"""Values every part of Aurora shows or stores the same way, defined once.

- :data:`NO_TITLE`: what stands for an event's or reminder's empty title wherever
  one is shown (grid, agenda, notifications, the reminder window).
- :data:`DEFAULT_COLOR`: a calendar's colour when none was chosen (the model's and
  the wire's default, the first colour of the desktop's palette, a placeholder
  calendar's colour).
"""

from __future__ import annotations

__all__ = ["DEFAULT_COLOR", "NO_TITLE"]

NO_TITLE = "(no title)"
DEFAULT_COLOR = "#3b82f6"
