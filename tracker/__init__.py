"""tracker: follow-up of the commitments made at high-level meetings."""

__version__ = "0.1.0"
