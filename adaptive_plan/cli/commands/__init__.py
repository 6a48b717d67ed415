"""cli/commands room; see STYLE.md section 5."""
