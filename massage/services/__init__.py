"""Writes, one module per topic: families and invitations, the routine library, teaching."""
