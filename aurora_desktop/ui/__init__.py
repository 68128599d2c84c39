"""The calendar window: views, models, painters, controllers, editor and dialogs."""
