"""Test doubles that run for real: scripted and local model servers on loopback."""
