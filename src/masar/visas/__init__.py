"""Visas: decisions, issuance, the visible digital seal on each e-visa, and its verification."""
