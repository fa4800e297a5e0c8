"""Derive the demo's shipped history (cettar/data/history_surabaya.csv.gz) from the shared data,
keeping no complaint text and no address:

    .venv/bin/python scripts/derive_history.py [../shared/data/surabaya_complaints_2022_2023q1.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cettar.history import COLUMNS, SHIPPED, derive  # noqa: E402

source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "surabaya_complaints_2022_2023q1.csv"
if not source.exists():
    sys.exit(f"{source} is not there: the shared data is needed to derive the history")
count = derive(source, SHIPPED)
print(f"{SHIPPED.relative_to(ROOT)}: {count} complaints, columns {', '.join(COLUMNS)}")
