"""Pure hierarchical-clustering core: no Dash, Plotly or Flask imports."""

from hclust.aids import elbow_k
from hclust.cut import Cut, CutRule, clusters_at_height, clusters_for_k, snap_height
from hclust.dendrogram import DendrogramGeometry, LinkColoring, color_links, truncated_geometry
from hclust.errors import ClusteringError
from hclust.options import LINKAGE_METHODS, METRICS, validate_choice
from hclust.projection import Projection, project_to_plane
from hclust.tree import Tree, build_tree

__all__ = [
    "LINKAGE_METHODS",
    "METRICS",
    "ClusteringError",
    "Cut",
    "CutRule",
    "DendrogramGeometry",
    "LinkColoring",
    "Projection",
    "Tree",
    "build_tree",
    "clusters_at_height",
    "clusters_for_k",
    "color_links",
    "elbow_k",
    "project_to_plane",
    "snap_height",
    "truncated_geometry",
    "validate_choice",
]
