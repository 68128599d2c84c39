"""Aurora Time's calendar core: pure Python, no Qt, no AWS."""

__version__ = "0.1.0"
