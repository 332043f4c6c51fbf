"""Waters Empower 3 results as JSON written by Benchling's Empower connector."""
