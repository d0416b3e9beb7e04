"""Static analysis of rule sets, run by ``eligibility lint`` (and by the tests and CI).

Findings (each with a severity, the rule ids, ``file:line`` and a sentence for a policy
analyst; see :mod:`.findings`):

- **overlaps** (:mod:`.overlaps`): an approving and a denying rule that can apply to the
  same case; two rules that can set the same date to different values;
- **gaps** (:mod:`.gaps`): complete cases no decision-bearing rule decides;
- **reachability** (:mod:`.reachability`): rules that can never apply, approvals always
  outranked by another rule;
- **citations** (:mod:`.citations`, :mod:`.loading`): cited provisions not in force for
  the rule's period, parameter values dated before their source, uncited provisions,
  unresolved or missing citations;
- **dates** (:mod:`.periods`): versions of a rule (``family:``) that overlap or leave a
  hole, rules in force before a parameter they read has a value;
- **facts** (:mod:`.loading`): facts a rule reads that its decision question does not have.

Method. Where conditions are conjunctions and disjunctions of comparisons of facts (and
definitions, inlined) with constants and parameters, and of enumeration membership, the
analysis is exact (:mod:`.logic` puts conditions in DNF, :mod:`.solver` decides each cube
with interval and set reasoning, :mod:`.exact` combines them). Whatever it cannot decide
(comparisons of computed dates, quantifiers) goes to a seeded witness search over the
questions' generated cases and systematic perturbations of them (:mod:`.search`), within a
budget (:class:`Budget`). Every finding that rests on a case shows it.
"""

from __future__ import annotations

from .findings import Finding, Witness
from .runner import Budget, analyze

__all__ = ["Budget", "Finding", "Witness", "analyze"]
