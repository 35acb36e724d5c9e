"""Training newsdesk's own models (the reader), run as scripts: see training/README.md."""
