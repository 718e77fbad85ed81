"""The pure domain core: schemas, deterministic checks and the OKRA assembly. No I/O happens here."""
