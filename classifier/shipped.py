"""The model shipped for the demo (Surabaya's agencies), built from the shared data by
``cettar classifier train`` (the recipe is in the README). It holds model weights and agency
names, no complaint text."""

from __future__ import annotations

from pathlib import Path

SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "model_surabaya.skops"
