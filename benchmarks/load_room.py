"""A class in one room: N students on one server at once, each moving the cut about once a second.

Run from the repository root::

    .venv/bin/python benchmarks/load_room.py                           # 50 students, 60 s, 3 uploaders (~1.5 min)
    .venv/bin/python benchmarks/load_room.py --users 20 --seconds 30 --uploaders 1 --workers 3

The script starts the production server itself (``python3 dev.py serve``:
gunicorn, ``HCLUST_WORKERS`` processes) on 127.0.0.1 and a free port, with
``HCLUST_CACHE_DIR`` in a temporary directory, and stops it at the end. Only
loopback is used. If ``.venv``'s install stamp is out of date, ``dev.py serve``
would first reinstall the project into the shared ``.venv``; then the script
runs the very gunicorn command ``dev.py serve`` would run
(``dev.gunicorn_command``) and says so.

Every callback request is built as dash-renderer builds it, from the app's
own ``/_dash-dependencies`` (the ``output`` key with its ``@hash``es,
``outputs``, ``inputs``, ``state``, ``changedPropIds``, and ``?endId=`` from the
page's ``_dash-config``); the values come from ``/_dash-layout`` and from the
replies so far. Each student is a thread with its own cookies (its own
``hclust_session``) and a pool of 6 keep-alive connections, as a browser has
per host (urllib3's, light on the cores it shares with the server):

- GET /, GET /_dash-layout (its session id is the layout's ``session-store``);
- picks a built-in example (round robin: classic, blobs, moons, iris, wine,
  digits): the example callback, then the tree callback (outputs
  ``view-store.data``, input ``data-ref-store.data``), then every server
  callback the new view triggers, concurrently;
- about once a second a *cut*: k from 2 to 8 typed into ``n-clusters.value``
  (the cut callback, with the current view as state), then, concurrently,
  every server-side callback that has ``view-store.data`` among its inputs,
  and those the page's clientside gate (``callbacks/gates.py``) wakes for it:
  the open tabs' (other clientside callbacks are skipped). The cut's time runs from the first send to
  the last reply;
- once, after its third cut, opens the Silhouette tab (every server callback
  with ``aids-tabs.value`` as an input, with the value ``silhouette``, and the
  tab's own, fed by the gate); the tab stays open, so later cuts recompute
  its curve as the page would.

The first ``--uploaders`` students also upload a generated CSV (10,000 rows,
2 columns, a base64 data URL as ``dcc.Upload`` sends it) with average linkage,
whose tree the app builds as a Dash background job: the tree callback
returns the job, the background callback's first POST returns its signed
``cacheKey`` and ``job``, and the script polls as the renderer does (the same
request with ``?cacheKey=...&job=...`` and the values nulled, every
``interval`` ms) until the result arrives; meanwhile the student keeps
cutting the example, and then cuts its own tree.

Bounded: students stop after ``--seconds``; background jobs get ``--grace``
more seconds to finish; a hard cap of ``--max-requests``; every request has a
timeout. Before the clock starts, one warm-up student walks through each
example once, one request at a time, on fresh connections: its times are the
*idle* service times per callback.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil
import requests
import urllib3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dev  # noqa: E402
from config import Settings, default_workers  # noqa: E402
from tests.callback.conftest import outputs_of  # noqa: E402  (as dash-renderer splits an output key)

DATASETS = ["classic", "blobs", "moons", "iris", "wine", "digits"]
UPDATE = "_dash-update-component"
CONNECTIONS = 6  # a browser's connections per host (HTTP/1.1)
TAB_AFTER_CUTS = 3
UPLOAD_METHOD = "average"  # a 10,000-row average tree is estimated at ~2 s: a background job
CONFIG_SCRIPT = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])

TARGET_CUT_P95_S = 0.300
WINDOW_S = 10.0  # the whole cut's percentiles are also printed per window of the lesson


class StopError(Exception):
    """The request cap is reached."""


Result = tuple[int | None, dict, int, int]  # status (None: an exception), JSON reply, raw bytes, wire bytes


class Connections:
    """One student's keep-alive connections to the server (at most ``size`` at once) and its cookies.

    urllib3's pool directly, not ``requests``: the client shares the server's
    two cores, and this spends about half the client CPU per request.
    """

    def __init__(self, base: str, size: int) -> None:
        url = urllib3.util.parse_url(base)
        self.pool = urllib3.HTTPConnectionPool(url.host, url.port, maxsize=size, block=True, retries=False)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, timeout: float, body: bytes | None = None, close: bool = False):
        """The reply (``.status``, ``.headers``, ``.data`` decoded); raises ``urllib3.exceptions.HTTPError``."""
        headers = {"Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/json"
        if close:
            headers["Connection"] = "close"
        reply = self.pool.request(method, path, body=body, headers=headers, timeout=timeout, redirect=False)
        for cookie in reply.headers.getlist("Set-Cookie"):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply

    def close(self) -> None:
        self.pool.close()


# ---------------------------------------------------------------------------
# The app's wiring, from /_dash-dependencies


def _name(dep: dict) -> str:
    return f"{dep['id']}.{dep['property'].split('@')[0]}"


@dataclass
class Callback:
    key: str
    spec: dict
    label: str = ""

    @property
    def outputs(self) -> list[dict]:
        return outputs_of(self.key)

    @property
    def output_names(self) -> set[str]:
        return {_name(o) for o in self.outputs}

    @property
    def input_names(self) -> set[str]:
        return {_name(d) for d in self.spec["inputs"]}

    @property
    def state_names(self) -> set[str]:
        return {_name(d) for d in self.spec["state"]}

    @property
    def serverside(self) -> bool:
        return not self.spec.get("clientside_function")

    @property
    def interval_s(self) -> float:
        return ((self.spec.get("background") or {}).get("interval") or 500) / 1000


class Wiring:
    """The callbacks a student posts, found by their outputs and inputs in the dependency list."""

    def __init__(self, deps: list[dict]) -> None:
        self.callbacks = [Callback(d["output"], d) for d in deps]
        server = [c for c in self.callbacks if c.serverside]
        self.example = self._one(server, "data-ref-store.data", "dataset.value")
        self.upload = self._one(server, "data-ref-store.data", "upload.contents")
        self.tree = self._one(
            [c for c in server if not c.spec.get("background")], "view-store.data", "data-ref-store.data"
        )
        self.job = self._one([c for c in server if c.spec.get("background")], "view-store.data", "tree-job-store.data")
        self.cut = self._one(server, "view-store.data", "n-clusters.value")
        self.on_view = [c for c in server if "view-store.data" in c.input_names and c is not self.cut]
        self.on_tab = [c for c in server if "aids-tabs.value" in c.input_names]
        self.server = server
        # Which replies must be read: those writing a value some posted callback sends.
        self.sent = set().union(*(c.input_names | c.state_names for c in server))
        named = {"example": self.example, "upload": self.upload, "tree": self.tree, "tree job": self.job}
        for label, c in {**named, "cut": self.cut}.items():
            c.label = label
        seen: dict[str, int] = defaultdict(int)
        for c in server:
            if not c.label:
                first = c.outputs[0]["id"]
                seen[first] += 1
                c.label = first if seen[first] == 1 else f"{first} ({sorted(c.input_names)[0]})"

    def fed_by(self, store: str) -> list[Callback]:
        """The server callbacks that the clientside gate (``callbacks/gates.py``) wakes by feeding ``store``."""
        return [c for c in self.server if f"{store}.data" in c.input_names]

    @staticmethod
    def _one(callbacks: list[Callback], output: str, input_: str) -> Callback:
        found = [c for c in callbacks if output in c.output_names and input_ in c.input_names]
        if len(found) != 1:
            raise LookupError(f"{len(found)} server callbacks write {output} from {input_}")
        return found[0]


# ---------------------------------------------------------------------------
# What a page knows: component props from the layout and the replies


def id_key(component_id) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def is_patch(value) -> bool:
    return isinstance(value, dict) and "__dash_patch_update" in value


def components_in(value, found: list[dict]) -> list[dict]:
    """Every serialized component (``{"type", "namespace", "props"}``) inside a value."""
    if isinstance(value, dict):
        if "props" in value and "type" in value and "namespace" in value:
            found.append(value)
            for prop_value in value["props"].values():
                components_in(prop_value, found)
        else:
            for child in value.values():
                components_in(child, found)
    elif isinstance(value, list):
        for child in value:
            components_in(child, found)
    return found


class Page:
    """Props by ``id.prop`` (thread-safe): the layout's, then whatever the replies wrote."""

    def __init__(self, layout: dict) -> None:
        self.lock = threading.Lock()
        self.props: dict[str, object] = {}
        self.nested: dict[str, list[dict]] = {}  # "id.prop" holding components -> those components
        for component in components_in(layout, []):
            self._register(component)

    def _register(self, component: dict) -> None:
        props = component["props"]
        if "id" not in props:
            return
        key = id_key(props["id"])
        for prop, value in props.items():
            if prop != "id":
                self.props[f"{key}.{prop}"] = value

    def get(self, name: str):
        with self.lock:
            return self.props.get(name)

    def set(self, name: str, value) -> None:
        with self.lock:
            self.props[name] = value

    def apply(self, response: dict) -> None:
        with self.lock:
            for component_id, props in response.items():
                for prop, value in props.items():
                    if is_patch(value):
                        continue  # a figure patch: no callback we post reads figures
                    name = f"{component_id}.{prop}"
                    self.props[name] = value
                    inner = components_in(value, []) if isinstance(value, dict | list) else []
                    if inner or name in self.nested:
                        self.nested[name] = inner
                        for component in inner:
                            self._register(component)

    def matching(self, pattern: dict) -> list[dict]:
        """Ids of the components now on the page that an ``ALL`` wildcard id matches."""
        fixed = {k: v for k, v in pattern.items() if v not in WILDCARDS}
        with self.lock:
            components = [c for inner in self.nested.values() for c in inner]
        ids_ = [c["props"]["id"] for c in components if isinstance(c["props"].get("id"), dict)]
        return [i for i in ids_ if set(i) == set(pattern) and all(i.get(k) == v for k, v in fixed.items())]

    def values(self, deps: list[dict], given: dict) -> list:
        entries = []
        for dep in deps:
            prop = dep["property"]
            if dep["id"].startswith("{"):
                pattern = json.loads(dep["id"])
                entries.append(
                    [
                        {"id": i, "property": prop, "value": self.get(f"{id_key(i)}.{prop}")}
                        for i in self.matching(pattern)
                    ]
                )
                continue
            name = f"{dep['id']}.{prop}"
            entries.append({"id": dep["id"], "property": prop, "value": given.get(name, self.get(name))})
        return entries

    def body(self, callback: Callback, changed: list[str], given: dict | None = None) -> dict:
        given = given or {}
        outputs = callback.outputs
        body = {
            "output": callback.key,
            "outputs": outputs if callback.key.startswith("..") else outputs[0],
            "inputs": self.values(callback.spec["inputs"], given),
            "changedPropIds": changed,
        }
        if callback.spec["state"]:
            body["state"] = self.values(callback.spec["state"], given)
        return body


# ---------------------------------------------------------------------------
# Measurements


@dataclass
class Sample:
    label: str
    phase: str
    status: int | None  # None: an exception
    seconds: float
    raw: int = 0  # decoded body bytes
    wire: int = 0  # bytes on the wire (gzip)
    error: str = ""
    at: float = field(default_factory=time.perf_counter)  # when the reply (or the exception) came


@dataclass
class Room:
    """Everything the students share: the clock, the request budget and the records."""

    base: str
    wiring: Wiring
    deadline: float
    job_deadline: float
    max_requests: int
    timeout: float
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    samples: list[Sample] = field(default_factory=list)
    # seconds, requests, raw bytes, wire bytes, ok, the dataset on screen, when it started (perf_counter)
    cuts: list[tuple[float, int, int, int, bool, str, float]] = field(default_factory=list)
    tabs: list[float] = field(default_factory=list)
    jobs: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    record: bool = True

    def take(self) -> None:
        with self.lock:
            if self.sent >= self.max_requests:
                self.stop.set()
                raise StopError("request cap")
            self.sent += 1

    def add(self, sample: Sample) -> None:
        if self.record:
            with self.lock:
                self.samples.append(sample)

    def failed(self, text: str) -> None:
        with self.lock:
            self.failures.append(text)


class Student:
    """One browser: its cookie, its page's props and end id, a pool of 6 connections."""

    def __init__(self, room: Room, number: int, dataset: str, uploader: bool, seed: int) -> None:
        self.room, self.number, self.dataset, self.uploader = room, number, dataset, uploader
        self.random = random.Random(seed)
        self.http = Connections(room.base, CONNECTIONS)
        self.pool = ThreadPoolExecutor(CONNECTIONS, thread_name_prefix=f"student{number}")
        self.page: Page | None = None
        self.end_id = ""
        self.cut_count = 0
        self.tab_open = False
        self.fresh_connections = False
        self.showing = dataset

    # -- HTTP ---------------------------------------------------------------

    def get(self, path: str, phase: str) -> bytes:
        """GET a page path; its decoded body (raises on an error status, as the page would not go on)."""
        self.room.take()
        start = time.perf_counter()
        try:
            reply = self.http.request("GET", "/" + path.lstrip("/"), self.room.timeout)
        except urllib3.exceptions.HTTPError as error:
            self.room.add(Sample(f"GET {path}", phase, None, time.perf_counter() - start, error=repr(error)))
            raise
        seconds, wire = time.perf_counter() - start, int(reply.headers.get("Content-Length", len(reply.data)))
        self.room.add(Sample(f"GET {path}", phase, reply.status, seconds, len(reply.data), wire))
        if reply.status >= 400:
            raise RuntimeError(f"GET {path}: HTTP {reply.status}")
        return reply.data

    def post(self, callback: Callback, body: dict, phase: str, args: dict | None = None) -> Result:
        """Post one callback request; returns (status or None, JSON reply or {}, raw bytes, wire bytes)."""
        self.room.take()
        label = f"{callback.label} (poll)" if phase == "job poll" else callback.label
        query = urllib.parse.urlencode({"endId": self.end_id, **(args or {})})
        start = time.perf_counter()
        try:
            reply = self.http.request(
                "POST", f"/{UPDATE}?{query}", self.room.timeout, json.dumps(body).encode(), self.fresh_connections
            )
            content = reply.data
        except urllib3.exceptions.HTTPError as error:
            self.room.add(Sample(label, phase, None, time.perf_counter() - start, error=repr(error)))
            return None, {}, 0, 0
        seconds = time.perf_counter() - start
        wire = int(reply.headers.get("Content-Length", len(content)))
        status = reply.status
        error = "" if status in (200, 204) else content[:300].decode("utf-8", "replace")
        self.room.add(Sample(label, phase, status, seconds, len(content), wire, error))
        data = {}
        if status == 200 and (callback.output_names & self.room.wiring.sent or callback.spec.get("background")):
            data = json.loads(content)  # only the replies that write something a later request sends
        return status, data, len(content), wire

    def apply(self, data: dict) -> None:
        if "response" in data:
            self.page.apply(data["response"])
        if "sideUpdate" in data:
            self.page.apply(data["sideUpdate"])

    def concurrently(self, calls: list[tuple[Callback, dict]], phase: str) -> list[Result]:
        """Send several requests at once (at most 6 in flight) and apply each reply as it comes."""
        futures = [self.pool.submit(self.post, callback, body, phase) for callback, body in calls]
        results = []
        for future in futures:
            try:
                result = future.result()
            except StopError:
                continue
            self.apply(result[1])
            results.append(result)
        return results

    def after_view(self, phase: str, new_tree: bool = False) -> list[Result]:
        """Every server callback a change of ``view-store.data`` triggers, concurrently.

        Those on ``view-store.data`` itself, and those the clientside gate
        (``callbacks/gates.py``) feeds as it does for a student: the open aids
        and "look inside" tabs on every change (the True classes tab, open at
        first, has no store: the cut's panels request answers for it); the panels that show the
        tree, not the cut (the top merges, the image card, the side-by-side
        grid with no methods chosen, the merge player while off), on a new tree.
        """
        wiring = self.room.wiring
        view = self.page.get("view-store.data")
        fed = [f"look-view-{self.page.get('lesson-tabs.value')}"]
        if self.tab_open:
            fed.append(f"aid-view-{self.page.get('aids-tabs.value')}")
        if new_tree:
            fed += ["panel-view-image", "panel-view-top-merges", "panel-view-compare", "panel-view-merge"]
        calls = [(c, self.page.body(c, ["view-store.data"])) for c in wiring.on_view]
        for store in fed:
            self.page.set(f"{store}.data", view)
            calls += [(c, self.page.body(c, [f"{store}.data"])) for c in wiring.fed_by(store)]
        return self.concurrently(calls, phase)

    # -- the page -----------------------------------------------------------

    def open_page(self) -> None:
        html = self.get("/", "open").decode()
        self.end_id = json.loads(CONFIG_SCRIPT.search(html).group(1)).get("end_id", "")
        self.page = Page(json.loads(self.get("/_dash-layout", "open")))
        if self.page.get("session-store.data") != self.http.cookies.get("hclust_session"):
            self.room.failed(f"student {self.number}: the layout's session id is not the cookie's")

    def show_example(self, key: str) -> bool:
        wiring = self.room.wiring
        body = self.page.body(wiring.example, ["dataset.value"], {"dataset.value": key})
        status, data, _, _ = self.post(wiring.example, body, "open")
        if status != 200:
            return False
        self.page.set("dataset.value", key)
        self.showing = key
        self.apply(data)
        return self.show_tree(data, "open")

    def show_tree(self, loaded: dict, phase: str) -> bool:
        wiring = self.room.wiring
        written = {f"{i}.{p}" for i, props in loaded.get("response", {}).items() for p in props}
        changed = ["data-ref-store.data", *sorted((written & wiring.tree.input_names) - {"data-ref-store.data"})]
        status, data, _, _ = self.post(wiring.tree, self.page.body(wiring.tree, changed), phase)
        if status != 200:
            return False
        self.apply(data)
        if self.page.get("view-store.data") is None:
            return False
        self.after_view(phase, new_tree=True)
        return True

    def cut(self) -> None:
        wiring = self.room.wiring
        view = self.page.get("view-store.data") or {}
        current = view.get("k")
        k = self.random.choice([k for k in range(2, 9) if k != current])
        start = time.perf_counter()
        status, data, raw, wire = self.post(
            wiring.cut, self.page.body(wiring.cut, ["n-clusters.value"], {"n-clusters.value": str(k)}), "cut"
        )
        requests_, ok = 1, status == 200
        if status == 200:
            self.apply(data)
            new_view = self.page.get("view-store.data") or {}
            ok = new_view.get("k") == k
            if not ok:
                self.room.failed(f"student {self.number}: asked k = {k}, the view says {new_view.get('k')}")
            for status_, _, raw_, wire_ in self.after_view("cut"):
                requests_ += 1
                raw, wire = raw + raw_, wire + wire_
                ok = ok and status_ in (200, 204)
        with self.room.lock:
            self.room.cuts.append((time.perf_counter() - start, requests_, raw, wire, ok, self.showing, start))
        self.cut_count += 1

    def open_tab(self, tab: str = "silhouette") -> None:
        start = time.perf_counter()
        wiring = self.room.wiring
        calls = [(c, self.page.body(c, ["aids-tabs.value"], {"aids-tabs.value": tab})) for c in wiring.on_tab]
        self.page.set("aids-tabs.value", tab)
        self.page.set(f"aid-view-{tab}.data", self.page.get("view-store.data"))  # the gate feeds the opened tab
        calls += [(c, self.page.body(c, [f"aid-view-{tab}.data"])) for c in wiring.fed_by(f"aid-view-{tab}")]
        self.concurrently(calls, "tab")
        with self.room.lock:
            self.room.tabs.append(time.perf_counter() - start)
        self.tab_open = True

    # -- an upload whose tree is a background job ---------------------------

    def upload_and_build(self) -> None:
        room, wiring, jobs = self.room, self.room.wiring, self.room.jobs
        start = time.perf_counter()
        csv = make_csv(10_000, seed=self.number)
        contents = "data:text/csv;base64," + base64.b64encode(csv).decode()
        self.page.set("method.value", UPLOAD_METHOD)
        given = {"upload.contents": contents, "upload.filename": f"room-{self.number}.csv"}
        body = self.page.body(wiring.upload, ["upload.contents"], given)
        status, data, _, _ = self.post(wiring.upload, body, "upload")
        if status != 200:
            jobs["upload failed"].append(self.number)
            return
        self.apply(data)
        self.page.set("method.value", UPLOAD_METHOD)
        written = {f"{i}.{p}" for i, props in data.get("response", {}).items() for p in props}
        changed = ["data-ref-store.data", *sorted((written & wiring.tree.input_names) - {"data-ref-store.data"})]
        status, data, _, _ = self.post(wiring.tree, self.page.body(wiring.tree, changed), "upload")
        job = (data.get("response", {}).get("tree-job-store") or {}).get("data") if status == 200 else None
        if not job:
            jobs["no job (built in the request)" if status == 200 else "tree request failed"].append(self.number)
            if status == 200:
                self.apply(data)
            return
        self.apply(data)
        body = self.page.body(wiring.job, ["tree-job-store.data"])
        status, handles, _, _ = self.post(wiring.job, body, "job")
        if status != 200 or "cacheKey" not in handles:
            jobs["job not started"].append(self.number)
            return
        jobs["started"].append(self.number)
        # The renderer's poll: the same request, values nulled, with the signed handles.
        polled = json.loads(json.dumps(body))
        for entry in polled["inputs"] + polled.get("state", []):
            entry["value"] = None
        args = {"cacheKey": handles["cacheKey"], "job": handles["job"]}
        polls = 0
        while time.perf_counter() < room.job_deadline:
            time.sleep(wiring.job.interval_s)
            try:
                status, data, _, _ = self.post(wiring.job, polled, "job poll", args)
            except StopError:
                break
            polls += 1
            if status == 204:
                jobs["ended without a result"].append(self.number)
                return
            if status != 200:
                continue
            if "response" in data:
                self.apply(data)
                view = self.page.get("view-store.data") or {}
                if view.get("method") == UPLOAD_METHOD:
                    jobs["finished"].append((self.number, time.perf_counter() - start, polls))
                    self.showing = "upload, 10,000 rows"
                    self.after_view("job")
                else:
                    jobs["result without the tree"].append(self.number)
                return
        jobs["not finished in time"].append(self.number)

    # -- the lesson ---------------------------------------------------------

    def run(self, start_at: float) -> None:
        room = self.room
        try:
            time.sleep(max(0.0, start_at - time.perf_counter()))
            self.open_page()
            if not self.show_example(self.dataset):
                room.failed(f"student {self.number}: no view of {self.dataset}")
                return
            job_thread = None
            if self.uploader:
                job_thread = threading.Thread(target=self._job_thread, daemon=True)
                job_thread.start()
            next_cut = time.perf_counter() + self.random.uniform(0.5, 1.0)
            while not room.stop.is_set():
                time.sleep(max(0.0, next_cut - time.perf_counter()))
                if time.perf_counter() >= room.deadline or room.stop.is_set():
                    break
                next_cut += self.random.uniform(0.8, 1.2)
                if self.cut_count == TAB_AFTER_CUTS and not self.tab_open:
                    self.open_tab()
                    continue
                self.cut()
            if job_thread is not None:
                job_thread.join(max(0.0, room.job_deadline - time.perf_counter()) + room.timeout)
        except StopError:
            pass
        except Exception as error:  # a crashed student is a finding, not a crash of the run
            room.failed(f"student {self.number}: {error!r}")
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.http.close()

    def _job_thread(self) -> None:
        try:
            self.upload_and_build()
        except StopError:
            pass
        except Exception as error:
            self.room.failed(f"uploader {self.number}: {error!r}")


def make_csv(n: int, seed: int) -> bytes:
    """n rows, 2 columns: five Gaussian groups (what a student's measurements might look like)."""
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-10, 10, size=(5, 2))
    points = centers[rng.integers(0, 5, n)] + rng.normal(0, 1.0, size=(n, 2))
    return ("x,y\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in points) + "\n").encode()


# ---------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dev_would_reinstall() -> bool:
    """Whether ``dev.py serve`` would first reinstall the project (``dev.ensure_venv``'s stamp check)."""
    spec = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + b"").hexdigest()
    stamp = dev.VENV / ".installed"
    return not (stamp.exists() and stamp.read_text() == spec)


def start_server(port: int, workers: int, cache_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "HCLUST_WORKERS": str(workers),
        "HCLUST_CACHE_DIR": str(cache_dir),
    }
    for name in ("REDIS_URL", "HCLUST_PASSWORD", "HCLUST_DEBUG"):
        env.pop(name, None)
    if dev_would_reinstall():
        threads = int(env.get("HCLUST_THREADS") or Settings().threads)
        command = dev.gunicorn_command(Settings(host="127.0.0.1", port=port, workers=workers, threads=threads))
        how = "the gunicorn command of dev.py serve (its .venv stamp is out of date: serve would reinstall first)"
    else:
        command = [shutil.which("python3") or sys.executable, str(ROOT / "dev.py"), "serve"]
        how = "python3 dev.py serve"
    handle = log.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return process, how


def wait_ready(base: str, process: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(base + "healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"the server did not answer /healthz within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen) -> None:
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        family = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    _, alive = psutil.wait_procs(family, timeout=10)
    for child in alive:  # only this server's own processes (its workers, job processes)
        with contextlib.suppress(psutil.Error):
            child.kill()


def server_processes(pid: int) -> dict[str, list[float]]:
    """RSS in MB of the server's processes by role: the gunicorn master, its workers, and below them job processes."""
    roles: dict[str, list[float]] = {"master": [], "workers": [], "jobs": []}
    try:
        root = psutil.Process(pid)
        workers = root.children()
        jobs = [job for worker in workers for job in worker.children(recursive=True)]
    except psutil.Error:
        return roles
    for role, processes in (("master", [root]), ("workers", workers), ("jobs", jobs)):
        for process in processes:
            with contextlib.suppress(psutil.Error):
                roles[role].append(process.memory_info().rss / 1e6)
    return roles


def server_rss_mb(pid: int) -> tuple[float, int]:
    """Resident memory of all the server's processes, summed, and their count."""
    roles = server_processes(pid)
    return sum(sum(v) for v in roles.values()), sum(len(v) for v in roles.values())


def describe_processes(roles: dict[str, list[float]], states: dict[str, int]) -> str:
    text = ", ".join(f"{role} {len(v)} ({sum(v):,.0f} MB)" for role, v in roles.items() if v)
    return text + (f"; job processes by state: {dict(states)}" if states else "")


def job_states(pid: int) -> dict[str, int]:
    """How many of the processes below the workers are running, sleeping, zombies..."""
    states: dict[str, int] = defaultdict(int)
    with contextlib.suppress(psutil.Error):
        for worker in psutil.Process(pid).children():
            for job in worker.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    states[job.status()] += 1
    return dict(states)


def disk_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=False).stdout
    return int(out.split()[0]) / 1000 if out else 0.0


def cpu_seconds(pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) so far of each of the server's live processes, with its role, by pid."""
    found = {}
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        workers = {worker.pid for worker in root.children()}
        for process in [root, *root.children(recursive=True)]:
            role = "master" if process.pid == pid else "workers" if process.pid in workers else "jobs"
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                found[process.pid] = (role, times.user + times.system)
    return found


@dataclass
class Snapshot:
    """The server's memory and disk at one moment."""

    rss_mb: float
    processes: int
    roles: dict[str, list[float]]
    job_states: dict[str, int]
    disk_mb: float

    @classmethod
    def take(cls, pid: int, cache_dir: Path) -> Snapshot:
        roles = server_processes(pid)
        rss = sum(sum(v) for v in roles.values())
        return cls(rss, sum(len(v) for v in roles.values()), roles, job_states(pid), disk_mb(cache_dir))


class Sampler(threading.Thread):
    """Every second: server memory and CPU per process; every 5 s the store's disk use. For peaks and totals."""

    def __init__(self, pid: int, cache_dir: Path) -> None:
        super().__init__(daemon=True)
        self.pid, self.cache_dir = pid, cache_dir
        self.done = threading.Event()
        self.rss_peak = self.disk_peak = 0.0
        self.processes_peak = 0
        self.cpu_start = cpu_seconds(pid)
        self.cpu_last = dict(self.cpu_start)

    def run(self) -> None:
        ticks = 0
        while not self.done.wait(1.0):
            self.sample(disk=ticks % 5 == 0)
            ticks += 1

    def sample(self, disk: bool = True) -> None:
        rss, count = server_rss_mb(self.pid)
        self.rss_peak, self.processes_peak = max(self.rss_peak, rss), max(self.processes_peak, count)
        self.cpu_last.update(cpu_seconds(self.pid))  # a process that ended keeps its last reading
        if disk:
            self.disk_peak = max(self.disk_peak, disk_mb(self.cache_dir))

    @property
    def cpu_used(self) -> float:
        return sum(self.cpu_by_role.values())

    @property
    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds used since the start by the master, the web workers and the job processes."""
        used: dict[str, float] = defaultdict(float)
        for pid, (role, seconds) in self.cpu_last.items():
            used[role] += seconds - self.cpu_start.get(pid, (role, 0.0))[1]
        return dict(used)


def log_summary(text: str) -> tuple[dict[str, int], list[str]]:
    """Counts of gunicorn's notable log lines, and the last few of them."""
    marks = {
        "Booting worker": "Booting worker",
        "WORKER TIMEOUT": "WORKER TIMEOUT",
        "[ERROR]": "[ERROR]",
        "[CRITICAL]": "[CRITICAL]",
        "[WARNING]": "[WARNING]",
        "Traceback": "Traceback",
    }
    counts = {name: text.count(mark) for name, mark in marks.items()}
    notable = [line for line in text.splitlines() if any(m in line for m in list(marks.values())[1:5])]
    return counts, notable[-6:]


# ---------------------------------------------------------------------------
# Before the clock: service times one request at a time, and one student alone


def warm_up(room: Room) -> Student:
    """One student, one request at a time on fresh connections: each example, two cuts each, the tab open early."""
    student = Student(room, -1, DATASETS[0], False, seed=0)
    student.fresh_connections = True
    student.pool.shutdown()
    student.pool = ThreadPoolExecutor(1)
    student.open_page()
    for number, key in enumerate(DATASETS):
        student.show_example(key)
        if number == 0:
            student.open_tab()
        student.cut()
        student.cut()
    student.pool.shutdown()
    return student


def alone(room: Room, cuts: int = 6) -> None:
    """One student as in the lesson (6 connections), classic: cuts without, then with, the Silhouette tab."""
    student = Student(room, -2, "classic", False, seed=1)
    try:
        student.open_page()
        student.show_example("classic")
        for _ in range(cuts):
            student.cut()
        student.open_tab()
        for _ in range(cuts):
            student.cut()
    finally:
        student.pool.shutdown()
        student.http.close()


def idle_times(samples: list[Sample]) -> tuple[dict[str, float], float]:
    """Median time of each callback's 200 replies, and of any 204, one request at a time."""
    by_label: dict[str, list[float]] = defaultdict(list)
    nothing = []
    for sample in samples:
        if sample.status == 200:
            by_label[sample.label].append(sample.seconds)
        elif sample.status == 204:
            nothing.append(sample.seconds)
    return {label: pct(times, 50) for label, times in by_label.items()}, pct(nothing, 50)


# ---------------------------------------------------------------------------
# Report


def pct(values, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds == seconds else "-"


def is_error(sample: Sample) -> bool:
    return sample.status is None or not (200 <= sample.status < 300)


@dataclass
class Run:
    """What one lesson measured, besides the room's own records."""

    args: argparse.Namespace
    cores: int
    how: str
    elapsed: float
    client_cpu: float
    server_cpu: dict[str, float]
    still_running: int
    idle: dict[str, float]
    idle_204: float
    alone_plain: list[float]
    alone_tab: list[float]
    start: Snapshot
    end: Snapshot
    rss_peak: float
    processes_peak: int
    disk_peak: float
    log: str
    load_start: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50, help="students (threads), default 50")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the lesson, default 60")
    parser.add_argument("--uploaders", type=int, default=3, help="students who also upload a 10,000-row CSV")
    parser.add_argument("--workers", type=int, default=default_workers(), help="HCLUST_WORKERS (cores + 1)")
    parser.add_argument("--ramp", type=float, default=5.0, help="students open the page over this many seconds")
    parser.add_argument("--grace", type=float, default=30.0, help="extra seconds for background jobs to finish")
    parser.add_argument("--max-requests", type=int, default=100_000, help="hard cap on requests")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    args = parser.parse_args()

    cores = len(os.sched_getaffinity(0))
    print(
        f"load_room: load average at start {os.getloadavg()[0]:.2f}; {cores} cores; {args.users} students for "
        f"{args.seconds:.0f} s, {args.uploaders} uploading 10,000 rows; HCLUST_WORKERS={args.workers}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="load_room_") as tmp:
        scratch = Path(tmp)
        cache_dir, log = scratch / "cache", scratch / "server.log"
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        process, how = start_server(port, args.workers, cache_dir, log)
        sampler = None
        try:
            started = time.perf_counter()
            wait_ready(base, process, log)
            print(f"server: {how}, on {base} (ready in {time.perf_counter() - started:.1f} s)", flush=True)
            wiring = Wiring(requests.get(base + "_dash-dependencies", timeout=30).json())
            print(
                f"per cut: the cut callback + {len(wiring.on_view)} server callbacks triggered by view-store.data: "
                + ", ".join(c.label for c in wiring.on_view),
                flush=True,
            )
            far = time.perf_counter() + 3600
            warm = Room(base, wiring, far, far, args.max_requests, args.timeout)
            warm_start = time.perf_counter()
            warm_up(warm)
            idle, idle_204 = idle_times(warm.samples)
            lone = Room(base, wiring, far, far, args.max_requests, args.timeout)
            alone(lone)
            half = len(lone.cuts) // 2
            print(
                f"warm-up: {len(warm.samples)} requests one at a time, then one student alone "
                f"({len(lone.samples)} requests), in {time.perf_counter() - warm_start:.1f} s",
                flush=True,
            )

            start = Snapshot.take(process.pid, cache_dir)
            sampler = Sampler(process.pid, cache_dir)
            sampler.start()
            load_start = time.perf_counter()
            cpu_start = time.process_time()
            room = Room(
                base,
                wiring,
                deadline=load_start + args.ramp + args.seconds,
                job_deadline=load_start + args.ramp + args.seconds + args.grace,
                max_requests=args.max_requests,
                timeout=args.timeout,
            )
            students = [
                Student(room, i, DATASETS[i % len(DATASETS)], i < args.uploaders, seed=1000 + i)
                for i in range(args.users)
            ]
            threads = []
            for i, student in enumerate(students):
                at = load_start + args.ramp * i / max(1, args.users)
                thread = threading.Thread(target=student.run, args=(at,), daemon=True, name=f"student{i}")
                thread.start()
                threads.append(thread)
            hard_end = room.job_deadline + 2 * args.timeout
            for thread in threads:
                thread.join(max(0.0, hard_end - time.perf_counter()))
            room.stop.set()
            elapsed = time.perf_counter() - load_start
            client_cpu = time.process_time() - cpu_start
            sampler.done.set()
            sampler.join(5)
            sampler.sample()
            run = Run(
                args=args,
                cores=cores,
                how=how,
                elapsed=elapsed,
                client_cpu=client_cpu,
                server_cpu=sampler.cpu_by_role,
                still_running=sum(t.is_alive() for t in threads),
                idle=idle,
                idle_204=idle_204,
                alone_plain=[c[0] for c in lone.cuts[:half]],
                alone_tab=[c[0] for c in lone.cuts[half:]],
                start=start,
                end=Snapshot.take(process.pid, cache_dir),
                rss_peak=sampler.rss_peak,
                processes_peak=sampler.processes_peak,
                disk_peak=sampler.disk_peak,
                log=log.read_text(errors="replace"),
                load_start=load_start,
            )
        finally:
            if sampler is not None:
                sampler.done.set()
            stop_server(process)
    report(room, run)


def report(room: Room, run: Run) -> None:
    args, samples, elapsed = run.args, room.samples, run.elapsed
    errors = [s for s in samples if is_error(s)]
    statuses = defaultdict(int)
    for s in samples:
        statuses[s.status if s.status is not None else "exception"] += 1
    print()
    print(
        f"ran {elapsed:.1f} s (ramp {args.ramp:.0f} s + {args.seconds:.0f} s + background jobs); load average at end "
        f"{os.getloadavg()[0]:.2f}. CPU: the server {sum(run.server_cpu.values()):.0f} s "
        f"({', '.join(f'{role} {seconds:.0f} s' for role, seconds in sorted(run.server_cpu.items()))}), "
        f"this client {run.client_cpu:.0f} s, "
        f"of {run.cores} cores x {elapsed:.0f} s = {run.cores * elapsed:.0f} s"
        + (f"; {run.still_running} students still running at the hard end" if run.still_running else "")
    )
    print(
        f"requests: {len(samples):,} ({len(samples) / elapsed:.0f}/s; cap {args.max_requests:,}"
        + (", reached" if room.sent >= args.max_requests else "")
        + "); by status: "
        + ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
    )
    print(f"errors (non-2xx other than 204, or exception): {len(errors)}")
    if errors:
        moments = [s.at - run.load_start for s in errors]
        print(f"  at t = {min(moments):.1f} to {max(moments):.1f} s after the start")
    shown = defaultdict(int)
    for s in errors:
        shown[(s.label, s.status, s.error[:160])] += 1
    for (label, status, text), count in sorted(shown.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {count:>5} x {label}: {status or 'exception'} {text}")

    print()
    print(
        "per callback, slowest p95 first. idle: its 200 replies' median, one request at a time before the lesson; "
        f"any 204 took {ms(run.idle_204)}.\nbusy s = its 200s x idle + its 204s x {ms(run.idle_204)}: "
        "an estimate of the server time it needed"
    )
    by_label: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_label[s.label].append(s)
    header = (
        f"{'callback':<26} {'requests':>8} {'204':>6} {'errors':>6} {'idle':>7} {'busy s':>7} {'p50':>9} "
        f"{'p95':>9} {'p99':>9} {'max':>9} {'KB raw':>7} {'KB wire':>7}"
    )
    print(header)
    print("-" * len(header))
    busy_total = 0.0
    for label, group in sorted(by_label.items(), key=lambda kv: -pct([s.seconds for s in kv[1]], 95)):
        times = [s.seconds for s in group]
        ok = [s for s in group if s.status == 200]
        nothing = sum(s.status == 204 for s in group)
        busy = len(ok) * run.idle.get(label, float("nan")) if ok else 0.0
        busy += nothing * run.idle_204 if nothing else 0.0
        busy_total += busy if busy == busy else 0.0
        raw = np.mean([s.raw for s in ok]) / 1e3 if ok else 0.0
        wire = np.mean([s.wire for s in ok]) / 1e3 if ok else 0.0
        print(
            f"{label[:26]:<26} {len(group):>8,} {nothing:>6} {sum(is_error(s) for s in group):>6} "
            f"{ms(run.idle.get(label, float('nan'))):>7} {f'{busy:.1f}' if busy == busy else '-':>7} "
            f"{ms(pct(times, 50)):>9} {ms(pct(times, 95)):>9} "
            f"{ms(pct(times, 99)):>9} {ms(max(times)):>9} {raw:>7.1f} {wire:>7.1f}"
        )
    every = [s.seconds for s in samples if s.phase != "job poll"]
    print(f"per request (all but job polls): p50 {ms(pct(every, 50))}, p95 {ms(pct(every, 95))}, max {ms(max(every))}")
    print(f"busy s summed: {busy_total:.0f} s of server time asked for, in {elapsed:.0f} s on {run.cores} cores")

    print()
    cuts = room.cuts
    times = [c[0] for c in cuts]
    print(
        f"whole cut (the cut request + its follow-ups, first send to last reply): {len(cuts):,} cuts "
        f"({sum(not c[4] for c in cuts)} not clean), {np.mean([c[1] for c in cuts]) if cuts else 0:.1f} requests each"
    )
    print(
        f"  p50 {ms(pct(times, 50))}, p95 {ms(pct(times, 95))}, p99 {ms(pct(times, 99))}, "
        f"max {ms(max(times) if times else float('nan'))}"
    )
    print(
        f"  one student alone, before the lesson (classic): p50 {ms(pct(run.alone_plain, 50))} "
        f"(max {ms(max(run.alone_plain, default=float('nan')))}); with the Silhouette tab open "
        f"p50 {ms(pct(run.alone_tab, 50))} (max {ms(max(run.alone_tab, default=float('nan')))})"
    )
    cut_phase = [s for s in samples if s.phase == "cut"]
    if cuts:
        known = [run.idle.get(s.label) if s.status == 200 else run.idle_204 for s in cut_phase]
        per_cut = sum(t for t in known if t is not None) / len(cuts)
        print(
            f"  bytes per cut: {np.mean([c[2] for c in cuts]) / 1e3:.1f} KB decoded, "
            f"{np.mean([c[3] for c in cuts]) / 1e3:.1f} KB on the wire (mean); "
            f"max {max(c[3] for c in cuts) / 1e3:.1f} KB on the wire"
        )
        print(
            f"  server time one cut asks for (its requests' idle times summed): {ms(per_cut)}; "
            f"{args.users} students cutting once a second leave {ms(run.cores / args.users)} per cut on "
            f"{run.cores} cores"
        )
        print("  by dataset on screen:")
        by_data: dict[str, list[float]] = defaultdict(list)
        for c in cuts:
            by_data[c[5]].append(c[0])
        for data, group in sorted(by_data.items()):
            print(f"    {data:<22} {len(group):>5} cuts  p50 {ms(pct(group, 50)):>9}  p95 {ms(pct(group, 95)):>9}")
        print("  by when in the lesson they started (the students open the page, and the uploads start, first):")
        by_window: dict[int, list[float]] = defaultdict(list)
        for c in cuts:
            by_window[int((c[6] - run.load_start) // WINDOW_S)].append(c[0])
        for window, group in sorted(by_window.items()):
            span = f"{window * WINDOW_S:.0f}-{(window + 1) * WINDOW_S:.0f} s"
            print(f"    {span:<22} {len(group):>5} cuts  p50 {ms(pct(group, 50)):>9}  p95 {ms(pct(group, 95)):>9}")
    if room.tabs:
        print(f"silhouette tab opened {len(room.tabs)} times: p50 {ms(pct(room.tabs, 50))}, max {ms(max(room.tabs))}")

    jobs = room.jobs
    finished = jobs.get("finished", [])
    print()
    print(
        f"background jobs: {len(jobs.get('started', []))} started, {len(finished)} finished "
        f"({args.uploaders} uploaders)"
    )
    for number, seconds, polls in finished:
        print(f"  uploader {number}: from the upload to its tree on screen {seconds:.1f} s ({polls} polls)")
    for outcome, who in jobs.items():
        if outcome not in ("started", "finished"):
            print(f"  {outcome}: {who}")

    print()
    print(
        f"server RSS (gunicorn master + workers + job processes, psutil), MB: start {run.start.rss_mb:,.0f}, "
        f"peak {run.rss_peak:,.0f} (at most {run.processes_peak} processes), end {run.end.rss_mb:,.0f}"
    )
    print(f"  start: {describe_processes(run.start.roles, run.start.job_states)}")
    print(f"  end:   {describe_processes(run.end.roles, run.end.job_states)}")
    print(
        f"store on disk (du of HCLUST_CACHE_DIR), MB: start {run.start.disk_mb:.1f}, peak {run.disk_peak:.1f}, "
        f"end {run.end.disk_mb:.1f}"
    )
    counts, notable = log_summary(run.log)
    print("server log: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    for line in notable:
        print(f"  {line[:200]}")
    if counts["Traceback"]:
        print(run.log[run.log.rfind("Traceback") :][:1500])
    for text in room.failures[:10]:
        print(f"  failure: {text}")
    if len(room.failures) > 10:
        print(f"  ... and {len(room.failures) - 10} more failures")

    print()
    p95 = pct(times, 95)
    print(f"[{'met' if not errors else 'NOT MET'}] 0 errors ({len(errors)})")
    print(f"[{'met' if p95 < TARGET_CUT_P95_S else 'NOT MET'}] whole cut p95 under {ms(TARGET_CUT_P95_S)} ({ms(p95)})")
    print(
        f"[{'met' if len(finished) == args.uploaders else 'NOT MET'}] every background tree finished "
        f"({len(finished)} of {args.uploaders})"
    )
    print(
        f"  memory and disk: server peak {run.rss_peak:,.0f} MB, store peak {run.disk_peak:.1f} MB "
        "(bounded: read the start and end lines above)"
    )


if __name__ == "__main__":
    main()
