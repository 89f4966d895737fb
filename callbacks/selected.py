"""Which samples a branch selection holds, and the tree it belongs to.

Shared by the selection itself (``callbacks/clusters.py``), the image
scatter's renderings (a cut, a colouring, a zoom: the selection stays lit)
and the selection's download.
"""

from __future__ import annotations

import numpy as np

from callbacks.render import ViewState
from hclust.clusters import samples_under
from state.session_store import SessionStore


def tree_key(view: ViewState) -> str:
    """Names the tree a selection belongs to: node ids mean nothing in another tree."""
    return f"{view.data}/{view.method}/{view.metric}/{view.tree_mode}"


def selected_samples(store: SessionStore, view: ViewState, selection: dict | None) -> np.ndarray | None:
    """The samples of the stored selection, or None when it belongs to another tree (or there is none)."""
    if not selection or selection.get("tree") != tree_key(view) or selection.get("node") is None:
        return None
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    return samples_under(tree, int(selection["node"]))
