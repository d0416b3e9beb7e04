"""The REST API: decision endpoints, read-only rule-set and provision endpoints, health."""
