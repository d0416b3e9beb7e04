"""Enrollment reconciliation: reading plan files (X12 834) and synthetic test data for them."""
