"""Every component id, in one place. The ids marked public are a test contract."""

# Public (issue "core workflow"): tests and other features rely on these.
DATASET = "dataset"
UPLOAD = "upload"
METHOD = "method"
METRIC = "metric"
TRUNCATE_P = "truncate-p"
DENDROGRAM = "dendrogram"
SCATTER = "scatter"
CUT_HEIGHT = "cut-height"
N_CLUSTERS = "n-clusters"
COPHENETIC = "cophenetic"
MESSAGE = "message"

# Internal.
SESSION = "session-store"
DATA_REF = "data-ref-store"
VIEW = "view-store"
GRAPH_CUT = "graph-cut-store"
ANNOTATE_ABOVE = "annotate-above"
DATA_SUMMARY = "data-summary"
CLUSTER_SUMMARY = "cluster-summary"
METHOD_HELP = "method-help"
SCATTER_CAPTION = "scatter-caption"
TREE_JOB = "tree-job-store"
JOB_BOX = "job-box"
JOB_PROGRESS = "job-progress"
JOB_STATUS = "job-status"
JOB_CANCEL = "job-cancel"

# Issue 4: clusters and export
# Public (test contract):
EXPORT_ASSIGNMENTS = "export-assignments"
EXPORT_LINKAGE = "export-linkage"
PYTHON_CODE = "python-code"
# Internal.
CLUSTERS_PANEL = "clusters-panel"
CLUSTER_TABLE = "cluster-table"
CLUSTER_TABLE_NOTE = "cluster-table-note"
CLUSTER_SELECT = "cluster-select"  # pattern-matching type: {"type": CLUSTER_SELECT, "index": root node}
SELECTION = "selection-store"
SELECTION_LIST = "selection-list"
CLEAR_SELECTION = "clear-selection"
EXPORT_SELECTION = "export-selection"
EXPORT_CODE = "export-code"
COPY_CODE = "copy-code"
DOWNLOAD_ASSIGNMENTS = "download-assignments"
DOWNLOAD_LINKAGE = "download-linkage"
DOWNLOAD_SELECTION = "download-selection"
DOWNLOAD_CODE = "download-code"

# Issue 3: data options
# Public (test contract):
FEATURES = "feature-columns"
LABEL = "label-column"
MISSING = "missing-values"
SCALING = "scaling"
READ_AS = "read-as"
SHEET = "sheet"
# Internal.
TABLE_REF = "table-ref-store"
DATA_OPTIONS = "data-options"
DATA_OPTIONS_TITLE = "data-options-title"
READ_AS_FIELD = "read-as-field"
SHEET_FIELD = "sheet-field"
