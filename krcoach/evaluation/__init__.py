"""The offline eval suite: scores the deterministic checks and the rules engine on labelled cases."""
