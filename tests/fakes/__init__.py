"""Test doubles that run on loopback so the suite never needs the real network."""
