"""cli room; see STYLE.md section 5."""
