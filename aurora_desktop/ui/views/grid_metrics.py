"""The measures the time grid's parts (the view, the all-day row, the hour grid) share."""

from __future__ import annotations

GUTTER = 58  # px left of the first day: hour labels, the week number, the zone
HOUR_H = 50  # px an hour
