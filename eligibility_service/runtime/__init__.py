"""The running service's life below the API: reloading rule sets in place, and telling a
server's other worker processes that they should reload too.

This package sits above ``rules`` and ``decisions`` and below ``api``: it knows how to load
and check a rule set and swap it in, but nothing of HTTP or signals.
"""
