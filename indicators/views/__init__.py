"""Read models for the dashboard pages: overview, focus areas, indicator detail, matrices, gaps, charts."""
