"""citeaudit."""
