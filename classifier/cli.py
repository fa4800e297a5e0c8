"""``cettar classifier ...``: train, evaluate and try routing models (no database needed)."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import click

from classifier.data import DataError, Examples, load_examples, read_rows, spreadsheet_safe
from classifier.defaults import DEFAULT_MIN_EXAMPLES, DEFAULT_TARGET_PRECISION

# scikit-learn, skops and the model are imported by the commands that use them: `cettar --help`
# and every other command start without them (2.3 s of imports)

_DATA = click.Path(dir_okay=False, path_type=Path)


def _load(paths: tuple[Path, ...], text_col: str, label_col: str, time_col: str) -> Examples:
    merged = Examples([], [], [], [])
    for path in paths:
        part = load_examples(path, text_col=text_col, label_col=label_col, time_col=time_col)
        click.echo(f"{path}: {len(part)} labelled complaints (duplicates removed)")
        merged.texts += part.texts
        merged.labels += part.labels
        merged.times += part.times
        merged.rows += part.rows
    return merged


def _functions(path: Path) -> dict[str, str]:
    columns, rows = read_rows(path)
    if "function" not in columns or not {"name", "source_label"} & set(columns):
        raise DataError(f"{path}: needs a 'function' column and a 'name' (or 'source_label') column")
    found: dict[str, str] = {}
    for row in rows:
        for key in ("source_label", "name"):
            if row.get(key) and row.get("function"):
                found.setdefault(row[key], row["function"])
    return found


@click.group()
def classifier() -> None:
    """The routing model: train it on your history, measure it, try it."""


@classifier.command()
@click.option("--data", "data", required=True, multiple=True, type=_DATA,
              help="CSV of labelled complaints; repeat to add more (e.g. exported corrections).")
@click.option("--text-col", default="text", show_default=True)
@click.option("--label-col", default="agency", show_default=True)
@click.option("--time-col", default="submitted_at", show_default=True,
              help="Orders the rows; the newest 20% choose the threshold.")
@click.option("--out", required=True, type=_DATA, help="Where to write the model (.skops).")
@click.option("--min-examples", default=DEFAULT_MIN_EXAMPLES, show_default=True,
              help="Agencies with fewer examples are not learnt (their complaints go to triage).")
@click.option("--target-precision", default=DEFAULT_TARGET_PRECISION, show_default=True,
              help="Route automatically only where validation precision reaches this.")
@click.option("--functions", type=_DATA, help="An agency directory (CSV with name and function columns): what each "
              "label does, so that a deployment with other agencies routes to the one of the same function.")
def train(data: tuple[Path, ...], text_col: str, label_col: str, time_col: str, out: Path,
          min_examples: int, target_precision: float, functions: Path | None) -> None:
    """Train a routing model and save it with its metadata."""
    from classifier import artefact
    from classifier.train import train_model

    try:
        examples = _load(data, text_col, label_col, time_col)
        label_functions = _functions(functions) if functions else None
        started = time.perf_counter()
        model = train_model(examples, min_examples=min_examples, target_precision=target_precision,
                            label_functions=label_functions, progress=lambda message: click.echo(f"  {message}"))
    except DataError as exc:
        raise click.ClickException(str(exc)) from exc
    size = artefact.save(model, out)
    meta = model.metadata
    click.echo(f"Trained on {meta['examples']} complaints, {len(meta['labels'])} agencies, in "
               f"{time.perf_counter() - started:.1f} s; threshold {meta['threshold']:.3f}.")
    if meta["dropped_labels"]:
        click.echo(f"Not learnt (fewer than {min_examples} examples, routed by people): "
                   + ", ".join(f"{label} ({n})" for label, n in sorted(meta["dropped_labels"].items())))
    click.echo(f"Saved {out} ({size / 1e6:.1f} MB).")


@classifier.command()
@click.option("--model", "model_path", required=True, type=_DATA)
@click.option("--data", required=True, type=_DATA)
@click.option("--text-col", default="text", show_default=True)
@click.option("--label-col", default="agency", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--confusion", type=_DATA, help="Where to draw the confusion matrix (PNG).")
def evaluate(model_path: Path, data: Path, text_col: str, label_col: str, as_json: bool, confusion: Path | None) -> None:
    """Accuracy, macro-F1, per-agency precision/recall, accuracy by coverage, confusion matrix."""
    from classifier import artefact
    from classifier.evaluate import confusion_png, report
    from classifier.predict import Classifier

    try:
        model = artefact.load(model_path)
        examples = load_examples(data, text_col=text_col, label_col=label_col, time_col=None)
    except (artefact.ModelError, DataError) as exc:
        raise click.ClickException(str(exc)) from exc
    predictions = Classifier(model).predict_many(examples.texts)
    result = report(predictions, examples.labels, known_labels=model.labels, threshold=model.threshold)
    picture = confusion or model_path.with_suffix(".confusion.png")
    confusion_png(predictions, examples.labels, picture)
    result["confusion_png"] = str(picture)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(f"{result['examples']} complaints: accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f} "
               f"(over agencies the model knows: {result['macro_f1_known_agencies']:.3f})")
    click.echo(f"Routed automatically at threshold {result['threshold']:.3f}: {result['auto_routed_share']:.1%} "
               f"of complaints, {result['auto_routed_accuracy']:.1%} of them right")
    click.echo("\ncoverage  accuracy  min confidence")
    for row in result["coverage"]:
        click.echo(f"  {row['coverage']:>5.0%}     {row['accuracy']:.3f}     {row['min_confidence']:.3f}")
    click.echo(f"\n{'agency':<60} precision recall   f1  support")
    for row in sorted(result["agencies"], key=lambda r: -r["support"]):
        mark = "" if row["known_to_model"] else "  (not learnt)"
        click.echo(f"{row['agency'][:60]:<60} {row['precision']:>8.2f} {row['recall']:>6.2f} {row['f1']:>5.2f} "
                   f"{row['support']:>7}{mark}")
    click.echo(f"\nConfusion matrix: {picture}")


@classifier.command()
@click.option("--model", "model_path", required=True, type=_DATA)
@click.option("--text", help="One complaint to route.")
@click.option("--data", type=_DATA, help="A CSV to route, row by row.")
@click.option("--text-col", default="text", show_default=True)
@click.option("--out", type=_DATA, help="Where to write the CSV with the added columns.")
def predict(model_path: Path, text: str | None, data: Path | None, text_col: str, out: Path | None) -> None:
    """Route one text, or every row of a CSV (adding predicted_agency, suggested_agencies, confidence,
    auto_routed, and the intake lexicon's priority, category and sensitive)."""
    from classifier import artefact
    from classifier.flags import detect as detect_flags
    from classifier.predict import Classifier

    if (text is None) == (data is None):
        raise click.UsageError("give either --text or --data (with --out)")
    try:
        model = artefact.load(model_path)
    except artefact.ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    router = Classifier(model)
    if text is not None:
        prediction = router.predict(text)
        found = detect_flags(text)
        verdict = ("to the triage desk (sensitive)" if found.sensitive else
                   "routed automatically" if prediction.auto_routed else
                   "to the triage desk (a local office: a person decides)" if prediction.label in router.policy.local_offices
                   else "to the triage desk")
        click.echo(f"{prediction.label} (confidence {prediction.confidence:.3f}, {verdict})")
        if found.urgent:
            click.echo(f"  urgent: {found.urgent} (\"{found.urgent_why}\")")
        if found.sensitive:
            click.echo(f"  sensitive: {found.sensitive} (\"{found.sensitive_why}\")")
        for label, confidence in prediction.top:
            click.echo(f"  {confidence:.3f}  {label}")
        return
    assert data is not None
    if out is None:
        raise click.UsageError("--data needs --out")
    try:
        columns, rows = read_rows(data)
    except DataError as exc:
        raise click.ClickException(str(exc)) from exc
    if text_col not in columns:
        raise click.ClickException(f"{data}: no column {text_col!r} (columns: {', '.join(columns)})")
    predictions = router.predict_many([row.get(text_col) or "" for row in rows])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*columns, "predicted_agency", "suggested_agencies", "confidence",
                                                    "auto_routed", "priority", "category", "sensitive"])
        writer.writeheader()
        routed = 0
        for row, prediction in zip(rows, predictions, strict=True):
            found = detect_flags(row.get(text_col) or "")
            auto = prediction.auto_routed and found.sensitive is None  # an integrity complaint waits for a person
            routed += auto
            writer.writerow({**{k: spreadsheet_safe(v) for k, v in row.items()}, "predicted_agency": prediction.label,
                             "suggested_agencies": "|".join(label for label, _ in prediction.top),
                             "confidence": f"{prediction.confidence:.4f}", "auto_routed": "true" if auto else "false",
                             "priority": "urgent" if found.urgent else "normal", "category": found.urgent or "",
                             "sensitive": "true" if found.sensitive else "false"})
    click.echo(f"Wrote {len(rows)} rows to {out}: {routed} routed automatically, {len(rows) - routed} to triage.")
