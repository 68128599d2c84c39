"""Desktop reminders: a pure planner, an engine that records and delivers, Qt glue."""
