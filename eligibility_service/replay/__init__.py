"""Replay stored cases against a rule-set version or an as-of date, and report what changed."""
