"""live room; see the room table in CONTRIBUTING.md."""
