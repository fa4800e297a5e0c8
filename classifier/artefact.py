"""Saving and loading trained models with skops: a file is never unpickled.

skops refuses to build any type it was not told to trust. We trust a fixed list: the
scikit-learn, NumPy and SciPy types our pipeline is made of, and our own normalising function.
A file that asks for anything else is refused before a byte of it is turned into objects.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import sklearn
import skops.io as sio

from classifier.model import TrainedModel

FORMAT = 1
TRUSTED_TYPES = frozenset(
    {
        "classifier.normalise.normalise_many",
        "classifier.features.CompactTfidfVectorizer",
        "builtins.slice",
        "numpy.dtype",
        "numpy.float32",
        "numpy.float64",
        "numpy.int64",
        "numpy.ndarray",
        "numpy.random.mtrand.RandomState",
        "scipy.sparse._csr.csr_matrix",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._function_transformer.FunctionTransformer",
        "sklearn.svm._classes.LinearSVC",
    }
)


class ModelError(Exception):
    """A model file that cannot be used; the message says what to do."""


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit())


def save(model: TrainedModel, path: Path) -> int:
    """Write the model and its metadata to ``path``; returns the file's size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"format": FORMAT, **model.metadata}
    tmp = path.with_name(path.name + ".tmp")
    sio.dump({"pipeline": model.pipeline, "metadata_json": json.dumps(metadata, ensure_ascii=False)}, tmp,
             compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(path)
    return path.stat().st_size


def _load(path: Path) -> tuple[Any, dict[str, Any]]:
    if not path.exists():
        raise ModelError(f"{path}: no such model file; train one with `cettar classifier train`")
    try:
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as exc:  # not a skops file at all
        raise ModelError(f"{path}: not a CETTAR model file ({exc}); train one with `cettar classifier train`") from exc
    unexpected = sorted(untrusted - TRUSTED_TYPES)
    if unexpected:
        raise ModelError(f"{path}: refused, the file asks for types a routing model never has: {', '.join(unexpected)}")
    try:
        content = sio.load(path, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(f"{path}: could not be read ({exc}); retrain with `cettar classifier train`") from exc
    if not isinstance(content, dict) or "pipeline" not in content or "metadata_json" not in content:
        raise ModelError(f"{path}: not a CETTAR model file; train one with `cettar classifier train`")
    return content["pipeline"], json.loads(content["metadata_json"])


def load(path: Path, *, expected_labels: set[str] | None = None) -> TrainedModel:
    """Load a model, refusing one made by another scikit-learn version or, when
    ``expected_labels`` is given, one whose labels are not all among them."""
    pipeline, metadata = _load(path)
    if metadata.get("format") != FORMAT:
        raise ModelError(f"{path}: model format {metadata.get('format')} is not {FORMAT}; retrain with `cettar classifier train`")
    trained_with = str(metadata.get("sklearn_version", "?"))
    if _minor(trained_with) != _minor(sklearn.__version__):
        raise ModelError(
            f"{path}: trained with scikit-learn {trained_with}, this is {sklearn.__version__}; "
            "retrain it with `cettar classifier train --data CSV --out PATH`, or install scikit-learn "
            f"{'.'.join(trained_with.split('.')[:2])}.*"
        )
    model = TrainedModel(pipeline, metadata)
    if expected_labels is not None:
        unknown = sorted(set(model.labels) - expected_labels)
        if unknown:
            raise ModelError(
                f"{path}: the model routes to agencies this deployment does not have: {', '.join(unknown)}. "
                "Load the agency directory it was trained for (`cettar directory load`) or train a model on "
                "your own history (`cettar classifier train`)."
            )
    return model
