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
SCATTER_CUT = "scatter-cut-store"  # a cut's scatter updates, applied on the page (assets/cut.js paintScatter)
SCATTER_FRAME = "scatter-frame-store"  # the image scatter's plot area: {"x": [a, b], "y": [c, d], "width", "height"}
SCATTER_HOVER = "scatter-hover-store"  # where the pointer is over the image scatter (callbacks/raster.py)
SCATTER_TOOLTIP = "scatter-tooltip"  # the nearest sample under the pointer, over the image scatter
TREE_JOB = "tree-job-store"
TREE_MODE = "tree-mode"
TREE_BADGE = "tree-badge"
ZOOM = "zoom-store"
DENDROGRAM_CAPTION = "dendrogram-caption"
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

# Issue 4: aids
# Public (test contract):
SUGGESTED_K = "suggested-k"
CUT_CRITERION = "cut-criterion"
# Internal.
CUT_THRESHOLD = "cut-threshold"
CUT_DEPTH = "cut-depth"
INCONSISTENT_FIELDS = "inconsistent-fields"
AIDS_PICK = "aids-pick-store"
NODE_PICK = "node-pick-store"  # a clicked node or table row, for the branch selection (assets/cut.js pickNode)
AIDS_PANEL = "aids-panel"
AIDS_TABS = "aids-tabs"
ELBOW_MERGES = "elbow-merges"
ELBOW_GRAPH = "elbow-graph"
ELBOW_NOTE = "elbow-note"
INCONSISTENCY_DEPTH = "inconsistency-depth"
INCONSISTENCY_TABLE = "inconsistency-table"
SILHOUETTE_MAX_K = "silhouette-max-k"
SILHOUETTE_GRAPH = "silhouette-graph"
SILHOUETTE_CLUSTERS = "silhouette-clusters"
SILHOUETTE_NOTE = "silhouette-note"
KMEANS_MAX_K = "kmeans-max-k"
KMEANS_GRAPH = "kmeans-graph"
KMEANS_SUMMARY = "kmeans-summary"
KMEANS_COLOR = "kmeans-color"

# Issue 10: share and resume
# Public (test contract):
COPY_LINK = "copy-link"
SAVE_SESSION = "save-session"
OPEN_SESSION = "open-session"
# Internal.
ADDRESS_IN = "address-in-store"  # the page's query string when it was opened (clientside)
ADDRESS = "address-store"  # the query string of the view on screen (state.view.encode)
ADDRESS_WRITTEN = "address-written-store"
PENDING = "pending-view-store"  # a view from an address or session file, until its tree is shown
OPENED = "opened-session-store"
COPY_LINK_STATUS = "copy-link-status"
DOWNLOAD_SESSION = "download-session"

# Issue 9: teach and present
# Public (test contract):
PRESENT_MODE = "present-mode"
MERGE_STEP = "merge-step"
MERGE_INFO = "merge-info"
MERGE_PLAY = "merge-play"
COMPARE_METHODS = "compare-methods"
COMPARE_GRID = "compare-grid"
# Internal.
APP = "app-root"
THEME = "theme"
DRAWER = "drawer-toggle"  # shows the controls in presentation mode
SCHEME = "scheme-store"  # the system's colour scheme when it changes (assets/display.js)
DISPLAY = "display-store"  # {"present": bool, "dark": bool}, as the page resolved them (assets/display.js)
MERGE_PANEL = "merge-panel"
MERGE_ON = "merge-on"  # the player's on/off switch
MERGE_PREV = "merge-prev"
MERGE_NEXT = "merge-next"
MERGE_SPEED = "merge-speed"
MERGE_TIMER = "merge-timer"  # dcc.Interval while playing
MERGE_STORE = "merge-store"
MERGE_WANTED = "merge-wanted-store"  # the step an opened address asks for, until its tree is shown
TOP_MERGES = "top-merges"  # the top merges as a table: the dendrogram's text alternative
COMPARE_PANEL = "compare-panel"
COMPARE_ARI = "compare-ari"
COMPARE_NOTE = "compare-note"
COMPARE_SHOWN = "compare-shown-store"  # what the side-by-side grid shows (data, metric, k, methods)

# Issue 11: the lesson plan (images, known labels, other algorithms, centroids, heatmap, grouped export)
# Public (test contract):
RECOLORED_IMAGE = "recolored-image"
TRUTH_SCORES = "truth-scores"
TRUTH_TABLE = "truth-table"
COMPARE_ALGORITHM = "compare-algorithm"
ALGORITHM_SCORES = "algorithm-scores"
SHOW_CENTROIDS = "show-centroids"
CENTROID_IMAGES = "centroid-images"
HEATMAP = "heatmap"
DOWNLOAD_GROUPED = "download-grouped"
CLUSTER_PROFILE = "cluster-profile"
# Internal.
COLOR_BY = "color-by"
CLASS_COLUMN = "class-column"
LESSON_PANEL = "lesson-panel"
LESSON_TABS = "lesson-tabs"
IMAGE_CARD = "image-card"
ORIGINAL_IMAGE = "original-image"
IMAGE_NOTE = "image-note"
ALGORITHM_LIMITS = "algorithm-limits"
CENTROID_PICK = "centroid-pick"
CENTROID_MEMBERS = "centroid-members"
HEATMAP_SCALE = "heatmap-scale"
HEATMAP_OPTIONS = "heatmap-options"
HEATMAP_NOTE = "heatmap-note"
GROUPED_FORMAT = "grouped-format"
GROUPED_ROWS = "grouped-rows"
DOWNLOAD_GROUPED_FILE = "download-grouped-file"
HEATMAP_DRAWN = "heatmap-drawn"
UPLOAD_LIMIT = "upload-limit"
JOB_RETRY = "job-retry"

# The view, forwarded in the page only to the panel tab that is open (callbacks/gates.py):
# a cut wakes the server callbacks of the open tabs alone.
AID_VIEWS = {tab: f"aid-view-{tab}" for tab in ("inconsistency", "kmeans")}  # the silhouette: callbacks/cut_panels
LESSON_VIEWS = {tab: f"look-view-{tab}" for tab in ("algorithms", "heatmap", "profile", "centroids")}
# The view as the other panels need it (callbacks/gates.py).
PANEL_VIEWS = {
    panel: f"panel-view-{panel.replace('_', '-')}"
    for panel in ("image", "top_merges", "compare", "paint", "merge", "selection")
}
DATA_TRAITS = "data-traits-store"  # what the shown data has: {"classes": bool, "image": bool}
ELBOW_SHOWN = "elbow-shown-store"  # which tree and range the merge-heights figure draws
SILHOUETTE_SHOWN = "silhouette-shown-store"  # and the silhouette curve
# The cophenetic correlation at any size (internal).
COPHENETIC_ESTIMATE = "cophenetic-estimate"
COPHENETIC_NOTE = "cophenetic-note"
COPHENETIC_EXACT = "cophenetic-exact"
COPHENETIC_JOB = "cophenetic-job"
COPHENETIC_PROGRESS = "cophenetic-progress"
COPHENETIC_STATUS = "cophenetic-status"
COPHENETIC_CANCEL = "cophenetic-cancel"
COPHENETIC_RESULT = "cophenetic-result-store"

# Issue 12: ask before a long wait (internal).
ASK = "ask-store"  # the tree waiting for an answer: its job, estimate and the other choices (callbacks/ask.py)
ASK_BOX = "ask-box"
ASK_TEXT = "ask-text"
ASK_START = "ask-start"
ASK_APPROXIMATE = "ask-approximate"
ASK_SINGLE = "ask-single"
ASK_DISMISS = "ask-dismiss"
