"""Who is calling and what they may do: scopes, bearer-token checks, the local issuer.

Below the API layer: nothing here knows about HTTP routes. Token signatures and claims are
checked by PyJWT (with ``cryptography``); nothing here implements cryptography itself.
"""
