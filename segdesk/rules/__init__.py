"""The reconciliation engine: checks over a filing's values, derived values, fix proposals."""
