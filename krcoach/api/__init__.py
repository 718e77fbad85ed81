"""The HTTP service: thin FastAPI routes over the coach and the job runner."""
