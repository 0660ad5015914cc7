"""Live mode: the `watch` command, its per-site poll schedule and its report lines."""
