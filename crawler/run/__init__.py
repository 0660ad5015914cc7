"""One run: from the command's options to the summary line (runner, bookkeeping, lock, logs,
progress, graceful shutdown, site health)."""
