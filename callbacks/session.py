"""Save the view to a file, and open such a file in any browser (``state/session_file.py``).

Saving writes the address of the view on screen and, for an upload, the
file itself when it is small enough. Opening checks the whole file first:
a damaged, foreign or newer file gets a message and the current view stays.
A good file puts its data into this session and then opens its address the
way a link is opened (``callbacks/address.py``).
"""

from __future__ import annotations

import time

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message
from callbacks.export import file_stem
from components import ids
from config import Settings
from loaders import decode_upload, parse_file
from state.session_file import MAX_DATA_BYTES, read_session, write_session
from state.session_store import SessionStore
from state.view import decode

KEEP_VIEW = " The current view stays."


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the save and open callbacks on ``app``."""

    @app.callback(
        Output(ids.DOWNLOAD_SESSION, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.SAVE_SESSION, "n_clicks"),
        State(ids.ADDRESS, "data"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def save_session(n_clicks, address, session_id):
        if not n_clicks or address is None:
            raise PreventUpdate
        source = decode(address).view.source
        data = store.upload_bytes(session_id, source.upload) if source.is_upload else None
        name = source.filename or source.example or "view"
        note = []
        if source.is_upload and data is None:
            note = message(
                f"Saved the view without its data: {name} is over {MAX_DATA_BYTES / 1e6:.0f} MB, so whoever "
                "opens the session loads the file once more to see it.",
                kind="warning",
            )
        content = write_session(address, data, source.filename)
        filename = f"{file_stem(name)}_session.json"
        return {"content": content, "filename": filename, "type": "application/json"}, note

    @app.callback(
        Output(ids.OPENED, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.OPEN_SESSION, "contents"),
        Input(ids.OPEN_SESSION, "contents"),
        State(ids.OPEN_SESSION, "filename"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def open_session(contents, filename, session_id):
        if contents is None:
            raise PreventUpdate  # cleared below, so the same file can be opened again
        name = filename or "the session file"
        try:
            opened = read_session(decode_upload(contents, name, settings.max_upload_bytes), name)
            if opened.data is not None:
                # The address names the table of one sheet (a workbook's first, unless it says another).
                table = parse_file(
                    opened.data, opened.filename, decode(opened.address).view.source.sheet, limits=settings.limits
                )
                store.put_table(session_id, table)
                store.put_upload_bytes(session_id, table.key, opened.data)
        except USER_ERRORS as error:
            return no_update, [*error_message(error, "Could not open the session: "), *message(KEEP_VIEW)], None
        return {"address": opened.address, "t": time.time()}, no_update, None
