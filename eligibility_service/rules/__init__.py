"""Rule-set model, strict loader, expression language and the compiled evaluator."""
