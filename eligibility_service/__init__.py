"""Eligibility decision service for the Wisconsin ETF group health insurance programs."""

__version__ = "0.1.0"
