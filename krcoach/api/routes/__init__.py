"""Versioned routes, one module per resource."""
