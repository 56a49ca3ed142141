"""Verification against independent oracles (LiteRT today), bit for bit."""
