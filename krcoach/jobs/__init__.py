"""Batch jobs: a durable SQLite store and an in-process runner that resumes unfinished jobs after a restart."""
