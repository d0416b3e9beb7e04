"""The decision log: every decision the service made, for audit and for replay.

Writing happens on a background thread in batches, so a decision never waits for the
database and never fails because of it; failures are counted and reported (see
:class:`.writer.DecisionLogWriter`).
"""
