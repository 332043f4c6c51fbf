"""Waters Empower ARW exports."""
