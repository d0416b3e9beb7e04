"""Access records: who read or wrote health data through the API, when, what and why.

HIPAA's audit-controls standard (45 CFR 164.312(b)) asks for a record of activity in systems
holding electronic PHI. Every API operation that discloses or stores PHI writes one record
(:mod:`.record`) before its answer leaves, so a failure to record withholds the data rather
than losing the trace. Records name ids and counts, never contents; the table is append-only
(database triggers); auditors search it with their own scope (:mod:`.queries`).
"""
