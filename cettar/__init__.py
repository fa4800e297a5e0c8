"""CETTAR: citizen complaint intake and response tracker (Cepat, Efektif-Efisien, Tanggap,
Transparan, Akuntabel, Responsif)."""

__version__ = "0.1.0"
