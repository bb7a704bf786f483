"""What a run shows while it runs, beside aiperf.

- A progress line every PROGRESS_SECONDS (30), from aiperf's records file as it grows: aiperf 0.13
  writes profile_export.jsonl in batches of 100 records or every second (AIPERF_RECORD_EXPORT_BATCH_SIZE,
  AIPERF_METRICS_EXPORT_FLUSH_INTERVAL; ai-dynamo/aiperf@c2f5e9d4 common/environment.py:834-840, 935-940).
  Its own realtime block needs a flag this pin does not document, so it is not relied on.
- The Prometheus metrics of the frontend and of every worker, at the start and end of the replay and
  every SCRAPE_SECONDS (300) between, into <artifact dir>/server-metrics/.
"""

import datetime
import json
import math
import os
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

RECORDS_FILE = "profile_export.jsonl"
SERVER_METRICS_DIR = "server-metrics"
SCRAPES_FILE = "scrapes.jsonl"
# A worker's metrics are tens of kilobytes; more is not a metrics page.
MAX_METRICS_BYTES = 16 << 20
MAX_READ_BYTES = 64 << 20
# A records line is kilobytes: a longer one still unfinished is dropped, not held.
MAX_PARTIAL_BYTES = 64 << 20
# Every request to a server ends within this, whole: a socket timeout alone bounds each read, not a trickle.
REQUEST_SECONDS = 20
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
# The operator's labels on a graph's pods (ai-dynamo/dynamo@4cba833f deploy/operator/internal/consts/consts.go:55-66):
# a worker's component type is "prefill" or "decode", or "worker" with the role in its sub-component type.
GRAPH_LABEL = "nvidia.com/dynamo-graph-deployment-name"
COMPONENT_TYPE_LABEL = "nvidia.com/dynamo-component-type"
SUB_COMPONENT_TYPE_LABEL = "nvidia.com/dynamo-sub-component-type"
WORKER_TYPES = ("worker", "prefill", "decode")
UNIT_TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0}


def log(message):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"[{now}] {message}", flush=True)


def trace_window(trace_path, end_offset_ms):
    """How many of the trace's requests the fixed schedule sends, and over how many seconds."""
    count, first, last = 0, None, None
    with open(trace_path, "rb") as file:
        for line in file:
            try:
                timestamp = json.loads(line).get("timestamp")
            except (ValueError, AttributeError):
                continue
            if not isinstance(timestamp, (int, float)) or (end_offset_ms is not None and timestamp > end_offset_ms):
                continue
            count += 1
            first = timestamp if first is None else min(first, timestamp)
            last = timestamp if last is None else max(last, timestamp)
    return count, 0.0 if first is None else (last - first) / 1000.0


class RecordsTail:
    """The whole lines appended to a file since the last read; a line still being written waits for the next."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = b""

    def new_records(self):
        try:
            with open(self.path, "rb") as file:
                file.seek(self.offset)
                data = file.read(MAX_READ_BYTES)
        except OSError:
            return []
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        if len(self.partial) > MAX_PARTIAL_BYTES:
            self.partial = b""
        records = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records


def metric_ms(metrics, tag):
    entry = metrics.get(tag) if isinstance(metrics, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("value"), (int, float)):
        return None
    scale = UNIT_TO_MS.get(entry.get("unit", "ms"))
    if scale is None or not math.isfinite(entry["value"] * scale):
        return None
    return entry["value"] * scale


def median(values):
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def clock(seconds):
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Requests completed, errors, and the running TTFT and ITL medians, from aiperf's records."""

    def __init__(self, expected, span_seconds):
        self.expected = expected
        self.span_seconds = span_seconds
        self.done = 0
        self.errors = 0
        self.ttft = []
        self.itl = []
        self.first_start_ns = None

    def add(self, record):
        metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
        if metadata.get("benchmark_phase") not in (None, "profiling"):
            return
        self.done += 1
        start = metadata.get("request_start_ns")
        if isinstance(start, (int, float)):
            self.first_start_ns = start if self.first_start_ns is None else min(self.first_start_ns, start)
        if record.get("error"):
            self.errors += 1
            return
        for tag, values in (("time_to_first_token", self.ttft), ("inter_token_latency", self.itl)):
            value = metric_ms(record.get("metrics"), tag)
            if value is not None:
                values.append(value)

    def line(self, now_ns):
        """One line that `dynamo-bench watch` reads (cluster/watch/progressLine.ts): keep the two in step."""
        elapsed = 0 if self.first_start_ns is None else (now_ns - self.first_start_ns) / 1e9
        share = f" ({100 * self.done / self.expected:.1f}%)" if self.expected else ""
        ttft, itl = median(self.ttft), median(self.itl)
        latency = ", ".join(
            [
                f"TTFT p50 {'-' if ttft is None else f'{ttft:.0f}'} ms",
                f"ITL p50 {'-' if itl is None else f'{itl:.1f}'} ms",
            ]
        )
        return (
            f"progress: {self.done}/{self.expected} requests{share}, {self.errors} error{'' if self.errors == 1 else 's'}, "
            f"{clock(elapsed)} of {clock(self.span_seconds)} trace time, {latency}"
        )


def report_progress(artifact_dir, progress, stop, interval):
    """Prints a progress line every `interval` seconds until `stop` is set, then a last one."""
    tail = RecordsTail(os.path.join(artifact_dir, RECORDS_FILE))
    while True:
        stopping = stop.wait(interval)
        for record in tail.new_records():
            progress.add(record)
        log(progress.line(time.time_ns()))
        if stopping:
            return


def fetch_bounded(request, limit, context=None):
    """The body, at most `limit` bytes, read within REQUEST_SECONDS in all."""
    deadline = time.monotonic() + REQUEST_SECONDS
    chunks, size = [], 0
    with urllib.request.urlopen(request, timeout=5, context=context) as response:
        while True:
            if time.monotonic() > deadline:
                raise ValueError(f"took longer than {REQUEST_SECONDS} s")
            # read1 returns what has come, where read(n) would wait for all n bytes.
            chunk = response.read1(64 << 10)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise ValueError(f"more than {limit} bytes")
            chunks.append(chunk)


class KubernetesPods:
    """The graph's worker pods, listed with the Job's own ServiceAccount (a Role that may list pods, in this namespace)."""

    def __init__(self, api_url, account_dir, namespace, graph):
        self.api_url = api_url.rstrip("/")
        self.account_dir = account_dir
        self.namespace = namespace
        self.graph = graph

    def workers(self):
        with open(os.path.join(self.account_dir, "token")) as file:
            token = file.read().strip()
        selector = f"{GRAPH_LABEL}={self.graph},{COMPONENT_TYPE_LABEL} in ({','.join(WORKER_TYPES)})"
        url = f"{self.api_url}/api/v1/namespaces/{self.namespace}/pods?labelSelector={urllib.parse.quote(selector)}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        context = None
        if url.startswith("https:"):
            context = ssl.create_default_context(cafile=os.path.join(self.account_dir, "ca.crt"))
        listing = json.loads(fetch_bounded(request, MAX_METRICS_BYTES, context))
        if not isinstance(listing, dict) or not isinstance(listing.get("items") or [], list):
            raise ValueError("the API's pod list is not one")
        pods = []
        for pod in listing.get("items") or []:
            if not isinstance(pod, dict):
                continue
            metadata, status = pod.get("metadata") or {}, pod.get("status") or {}
            if status.get("phase") == "Running" and status.get("podIP"):
                labels = metadata.get("labels") or {}
                role = labels.get(COMPONENT_TYPE_LABEL, "worker")
                if role == "worker":
                    role = labels.get(SUB_COMPONENT_TYPE_LABEL) or "worker"
                pods.append({"name": metadata.get("name", "?"), "role": role, "ip": status["podIP"]})
        return sorted(pods, key=lambda pod: pod["name"])


def safe_file_name(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:200] or "_"


class MetricsScraper:
    """Scrapes the frontend and every worker into server-metrics/<NN>-<phase>/, and lists each scrape in scrapes.jsonl."""

    def __init__(self, artifact_dir, frontend_url, pods, worker_port):
        self.dir = os.path.join(artifact_dir, SERVER_METRICS_DIR)
        self.frontend_url = frontend_url.rstrip("/")
        self.pods = pods
        self.worker_port = worker_port
        self.count = 0

    def fetch(self, url, path):
        body = fetch_bounded(url, MAX_METRICS_BYTES)
        with open(path, "wb") as file:
            file.write(body)

    def scrape(self, phase):
        folder = f"{self.count:02d}-{phase}"
        self.count += 1
        os.makedirs(os.path.join(self.dir, folder), exist_ok=True)
        targets = [{"name": "frontend", "role": "frontend", "url": f"{self.frontend_url}/metrics"}]
        problem = None
        try:
            for pod in self.pods.workers():
                targets.append({"name": pod["name"], "role": pod["role"], "url": f"http://{pod['ip']}:{self.worker_port}/metrics"})
        except (OSError, ValueError, urllib.error.URLError) as error:
            problem = f"could not list the worker pods: {getattr(error, 'reason', error)}"
            log(f"server metrics: {problem}")
        scraped = []
        for target in targets:
            file = f"{folder}/{safe_file_name(target['name'])}.prom"
            entry = {"name": target["name"], "role": target["role"]}
            try:
                self.fetch(target["url"], os.path.join(self.dir, file))
                entry["file"] = file
            except (OSError, ValueError, urllib.error.URLError) as error:
                entry["error"] = str(getattr(error, "reason", error))
            scraped.append(entry)
        at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        line = {"index": self.count - 1, "phase": phase, "at": at, "targets": scraped}
        if problem:
            line["problem"] = problem
        with open(os.path.join(self.dir, SCRAPES_FILE), "a") as file:
            file.write(json.dumps(line) + "\n")
        failed = sum(1 for entry in scraped if "error" in entry)
        log(f"server metrics: scrape {self.count - 1} ({phase}): {len(scraped) - failed} of {len(scraped)} targets")


def scrape_during(scraper, stop, interval):
    """The first scrape, then one every `interval`: apart from aiperf, which never waits for a server that is slow to answer."""
    phase = "start"
    while True:
        try:
            scraper.scrape(phase)
        except Exception as error:  # noqa: BLE001 - a scrape that fails is a line in the log, never the end of the scrapes
            log(f"server metrics: scrape failed: {type(error).__name__}: {error}")
        if stop.wait(interval):
            return
        phase = "during"


class Observers:
    """Starts the progress lines and the scrapes beside aiperf; `finish` ends them with a last line and a last scrape."""

    def __init__(self, artifact_dir, trace_path, end_offset_ms, frontend_url):
        expected, span = trace_window(trace_path, end_offset_ms)
        self.progress = Progress(expected, span)
        self.stop = threading.Event()
        self.threads = []
        self.artifact_dir = artifact_dir
        pods = KubernetesPods(
            os.environ.get("KUBERNETES_API_URL", "https://kubernetes.default.svc"),
            os.environ.get("SERVICE_ACCOUNT_DIR", SERVICE_ACCOUNT_DIR),
            os.environ.get("POD_NAMESPACE", ""),
            os.environ.get("GRAPH_NAME", ""),
        )
        self.scraper = MetricsScraper(artifact_dir, frontend_url, pods, int(os.environ.get("WORKER_METRICS_PORT", "9090")))

    def start(self):
        for target, args in (
            (report_progress, (self.artifact_dir, self.progress, self.stop, float(os.environ.get("PROGRESS_SECONDS", "30")))),
            (scrape_during, (self.scraper, self.stop, float(os.environ.get("SCRAPE_SECONDS", "300")))),
        ):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        self.scraper.scrape("end")
