"""Rule-set versions for policy staff: new drafts, publishing, semantic diffs and impact.

The loader's side of publishing (checking recorded hashes) is in
:mod:`eligibility_service.rules.publishing`; this package holds what analysts run.
"""
