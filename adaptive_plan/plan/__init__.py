"""The planner: pure functions from manifests + live state to an inert Plan."""
