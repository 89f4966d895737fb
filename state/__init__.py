"""Server-side, per-session state."""
