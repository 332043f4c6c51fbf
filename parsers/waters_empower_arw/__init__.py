"""Waters Empower ARW exports: two header lines (field names, values), then time/signal rows."""
