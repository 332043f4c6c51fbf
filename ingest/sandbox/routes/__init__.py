"""The sandbox's HTTP routes, one module per Benchling resource."""
