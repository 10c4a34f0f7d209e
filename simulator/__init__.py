"""supportsim's model of a support operation: knows nothing of planning."""

__version__ = "0.1.0"
