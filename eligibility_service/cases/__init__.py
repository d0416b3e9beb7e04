"""The case store: historical cases (facts and the decision made then), tagged into suites."""
