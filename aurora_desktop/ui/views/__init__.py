"""The calendar views: month, time grid (week, work week, day) and agenda."""
