"""CLI commands (placeholder: filled in by the stage that owns it)."""
