"""cli/commands room; see the room table in CONTRIBUTING.md."""
