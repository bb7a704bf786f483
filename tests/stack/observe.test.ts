import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/projectRoot";
import { PYTHON } from "../support/python";

const SCRIPTS_DIR = join(PROJECT_ROOT, "stack", "builders", "scripts");

/** Runs Python with observe.py importable and a scratch directory as `work`; returns what it prints. */
function python(code: string): string {
  const work = mkdtempSync(join(tmpdir(), "dynamo-bench-observe-"));
  try {
    return execFileSync(PYTHON, ["-c", `import json, os, observe\nwork = ${JSON.stringify(work)}\n${code}`], {
      // No __pycache__ written into the project.
      env: { PYTHONPATH: SCRIPTS_DIR, PYTHONDONTWRITEBYTECODE: "1", PATH: process.env.PATH },
      encoding: "utf8",
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

test("the records file is read in whole lines: a line still being written waits, and a malformed one is skipped", () => {
  const printed = python(`
path = os.path.join(work, "profile_export.jsonl")
tail = observe.RecordsTail(path)
print(len(tail.new_records()))
with open(path, "w") as f:
    f.write('{"metadata": {"request_start_ns": 1}}\\nnot json\\n[1]\\n{"metadata": {"request_st')
print(len(tail.new_records()))
with open(path, "a") as f:
    f.write('art_ns": 2}}\\n')
print([r["metadata"]["request_start_ns"] for r in tail.new_records()])
`);
  assert.equal(printed, "0\n1\n[2]\n");
});

test("progress counts profiling records alone, errors apart, and reads each latency in its unit or not at all", () => {
  const printed = python(`
p = observe.Progress(4, 3725)
def record(phase="profiling", error=None, ttft=None, itl=None):
    metrics = {}
    if ttft: metrics["time_to_first_token"] = ttft
    if itl: metrics["inter_token_latency"] = itl
    return {"metadata": {"benchmark_phase": phase, "request_start_ns": 0}, "metrics": metrics, "error": error}
p.add(record(phase="warmup", ttft={"value": 9e9, "unit": "ms"}))
p.add(record(ttft={"value": 0.1, "unit": "s"}, itl={"value": 20000, "unit": "us"}))
p.add(record(ttft={"value": 300, "unit": "ms"}, itl={"value": 30, "unit": "ms"}))
p.add(record(ttft={"value": 5, "unit": "fortnights"}))
p.add(record(error={"code": 500, "message": "boom"}, ttft={"value": 1, "unit": "ms"}))
print(p.line(3_725_000_000_000))
print(observe.Progress(0, 0).line(0))
`);
  assert.equal(
    printed,
    "progress: 4/4 requests (100.0%), 1 error, 1:02:05 of 1:02:05 trace time, TTFT p50 200 ms, ITL p50 25.0 ms\n" +
      "progress: 0/0 requests, 0 errors, 00:00 of 00:00 trace time, TTFT p50 - ms, ITL p50 - ms\n",
  );
});

test("the schedule window counts the trace's requests up to the end offset, and skips lines that are no request", () => {
  const printed = python(`
path = os.path.join(work, "trace.jsonl")
with open(path, "w") as f:
    f.write('{"timestamp": 1000}\\n{"timestamp": 61000}\\nnot json\\n[]\\n{"timestamp": "x"}\\n{"timestamp": 400000}\\n')
print(observe.trace_window(path, None), observe.trace_window(path, 300000.0))
`);
  assert.equal(printed, "(3, 399.0) (2, 60.0)\n");
});

test("a server that trickles its answer is cut at the whole request's bound, not waited on read by read", () => {
  const printed = python(`
import http.server, threading
class Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"#\\n")
                self.wfile.flush()
                threading.Event().wait(0.05)
        except OSError:
            pass
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
observe.REQUEST_SECONDS = 0.3
try:
    observe.fetch_bounded(f"http://127.0.0.1:{server.server_port}/metrics", 1 << 20)
    print("no error")
except ValueError as error:
    print(error)
observe.REQUEST_SECONDS = 600
try:
    observe.fetch_bounded(f"http://127.0.0.1:{server.server_port}/metrics", 10)
except ValueError as error:
    print(error)
`);
  assert.equal(printed, "took longer than 0.3 s\nmore than 10 bytes\n");
});

test("an unfinished records line past its bound is dropped, not held; a latency that is not finite is left out", () => {
  const printed = python(`
observe.MAX_PARTIAL_BYTES = 100
path = os.path.join(work, "profile_export.jsonl")
tail = observe.RecordsTail(path)
with open(path, "w") as f:
    f.write("y" * 500)
print(len(tail.new_records()), len(tail.partial))
p = observe.Progress(1, 1)
p.add({"metadata": {}, "metrics": {"time_to_first_token": {"value": 1e308, "unit": "s"}}})
print(p.ttft)
`);
  assert.equal(printed, "0 0\n[]\n");
});
