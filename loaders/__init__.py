"""Pure data in and out: built-in datasets, uploads and validation (no Dash, Plotly or Flask)."""

from loaders.builtin import BUILTIN_DATASETS, DEFAULT_DATASET, load_builtin
from loaders.dataset import Dataset
from loaders.errors import DataError
from loaders.formats import ACCEPTED_EXTENSIONS, Table, parse_file
from loaders.limits import DEFAULT_LIMITS, Limits
from loaders.options import AUTO, MISSING_POLICIES, READINGS, SCALINGS, LoadOptions
from loaders.prepare import Plan, default_options, plan, prepare, with_scaling
from loaders.upload import decode_upload, read_table

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "AUTO",
    "BUILTIN_DATASETS",
    "DEFAULT_DATASET",
    "DEFAULT_LIMITS",
    "MISSING_POLICIES",
    "READINGS",
    "SCALINGS",
    "DataError",
    "Dataset",
    "Limits",
    "LoadOptions",
    "Plan",
    "Table",
    "decode_upload",
    "default_options",
    "load_builtin",
    "parse_file",
    "plan",
    "prepare",
    "read_table",
    "with_scaling",
]
