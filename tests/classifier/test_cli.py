"""``cettar classifier train / evaluate / predict`` as a user runs them."""

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from cettar.cli import main
from tests.classifier.conftest import made_up, write_csv


def test_train_evaluate_and_predict(tmp_path: Path) -> None:
    runner = CliRunner()
    history = write_csv(made_up(300), tmp_path / "history.csv")
    model = tmp_path / "model.skops"
    trained = runner.invoke(main, ["classifier", "train", "--data", str(history), "--out", str(model), "--min-examples", "5"])
    assert trained.exit_code == 0, trained.output
    assert "Trained on 300 complaints, 4 agencies" in trained.output and model.exists()

    fresh = write_csv(made_up(80, seed=11), tmp_path / "fresh.csv")
    evaluated = runner.invoke(main, ["classifier", "evaluate", "--model", str(model), "--data", str(fresh), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    result = json.loads(evaluated.output)
    assert result["examples"] == 80 and result["accuracy"] > 0.8
    assert {"macro_f1", "coverage", "agencies", "auto_routed_accuracy"} <= set(result)
    assert {row["agency"] for row in result["agencies"]} == {"DISHUB", "DLH", "DSDABM", "DINSOS"}
    assert Path(result["confusion_png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = runner.invoke(main, ["classifier", "evaluate", "--model", str(model), "--data", str(fresh)])
    assert "coverage  accuracy" in table.output and "macro-F1" in table.output

    one = runner.invoke(main, ["classifier", "predict", "--model", str(model), "--text", "lampu jalan mati di gang 3"])
    assert one.exit_code == 0 and one.output.startswith("DISHUB (confidence")
    out = tmp_path / "routed.csv"
    many = runner.invoke(main, ["classifier", "predict", "--model", str(model), "--data", str(fresh), "--out", str(out)])
    assert many.exit_code == 0, many.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 80
    assert set(rows[0]) == {"id", "submitted_at", "text", "agency", "predicted_agency", "suggested_agencies", "confidence",
                            "auto_routed", "priority", "category", "sensitive"}
    assert {row["auto_routed"] for row in rows} <= {"true", "false"}
    assert all(row["suggested_agencies"].split("|")[0] == row["predicted_agency"] for row in rows)
    assert {row["priority"] for row in rows} <= {"normal", "urgent"} and {row["sensitive"] for row in rows} <= {"true", "false"}
    fire = runner.invoke(main, ["classifier", "predict", "--model", str(model), "--text", "kebakaran rumah di gang 3, api membesar"])
    assert fire.exit_code == 0 and '  urgent: fire ("kebakaran")' in fire.output
    bribe = runner.invoke(main, ["classifier", "predict", "--model", str(model), "--text", "ada pungli di loket kecamatan"])
    assert "to the triage desk (sensitive)" in bribe.output and "  sensitive: bribery" in bribe.output
    assert sum(row["predicted_agency"] == row["agency"] for row in rows) > 64


def test_bad_files_get_clear_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["classifier", "train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "m.skops")])
    assert missing.exit_code == 1 and "no such file" in missing.output
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("isi,dinas\nlampu mati,DISHUB\n")
    bad_column = runner.invoke(main, ["classifier", "train", "--data", str(wrong), "--out", str(tmp_path / "m.skops")])
    assert bad_column.exit_code == 1 and "no column 'text' (columns: isi, dinas)" in bad_column.output
    no_model = runner.invoke(main, ["classifier", "predict", "--model", str(tmp_path / "m.skops"), "--text", "x"])
    assert no_model.exit_code == 1 and "no such model file" in no_model.output
    both = runner.invoke(main, ["classifier", "predict", "--model", str(tmp_path / "m.skops")])
    assert both.exit_code == 2 and "either --text or --data" in both.output
