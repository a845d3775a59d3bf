"""Padu: integrated social-welfare information system for a Dinas Sosial."""

__version__ = "0.1.0"
