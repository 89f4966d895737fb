"""Pure data in and out: built-in datasets, uploads and validation (no Dash, Plotly or Flask)."""

from loaders.builtin import BUILTIN_DATASETS, DEFAULT_DATASET, load_builtin
from loaders.dataset import Dataset
from loaders.errors import DataError
from loaders.upload import decode_upload, read_table

__all__ = ["BUILTIN_DATASETS", "DEFAULT_DATASET", "DataError", "Dataset", "decode_upload", "load_builtin", "read_table"]
