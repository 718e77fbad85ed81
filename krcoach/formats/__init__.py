"""File formats: reading OKR sets (YAML, JSON, JSON Lines, CSV, Markdown) and writing analyses."""
