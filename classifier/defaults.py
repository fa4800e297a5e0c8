"""The numbers a model is trained and routed with, in a module with no heavy imports (the CLI's
help and options read them without loading scikit-learn)."""

NEVER = 1.01  # a threshold no confidence reaches: everything goes to triage
DEFAULT_TARGET_PRECISION = 0.95
DEFAULT_MIN_EXAMPLES = 8
