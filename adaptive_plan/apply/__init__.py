"""Apply: runs a plan's steps through the API client (graphlib + a thread pool)."""
