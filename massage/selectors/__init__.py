"""Reads scoped to the user asking, one module per topic: families, the library, teaching."""
