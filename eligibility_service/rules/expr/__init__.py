"""The condition language: a small, safe expression language parsed, type-checked and compiled
at load time. Nothing here calls Python's ``eval``; expressions are parsed by a Lark grammar
into an AST, checked against the fact schema, and turned into closures."""
