"""One benchmark run in the cluster: wait for the model, fetch and verify the trace, run aiperf.

Configured by environment variables (see the Job). Whatever happens, it records an exit code
beside the artifacts and exits 0, so that the summary step always runs: it reports what aiperf
recorded, then fails the Job with that code. aiperf itself is stopped at the run's time limit,
before the Job's deadline would kill the summary step too. The one exception: a directory that
already holds a run is never written into, and then this step fails the Job at once.
"""

import datetime
import hashlib
import http.client
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import observe

EXIT_CODE_FILE = "aiperf-exit-code"
ALREADY_A_RUN = 5
NO_AIPERF = 6
TIMED_OUT = 124
# How long aiperf gets, once interrupted at the time limit, to write out what it recorded.
STOP_GRACE_SECONDS = 120


def log(message):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"[{now}] {message}", flush=True)


def fail(message, code):
    log(f"error: {message}")
    sys.exit(code)


def setting(name, default=None):
    value = os.environ.get(name, default)
    if value is None or value == "":
        fail(f"the environment variable {name} is not set", 2)
    return value


def raise_open_files_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    except (ValueError, OSError) as error:
        log(f"could not raise the open-files limit above {soft}: {error}")
    log(f"open-files limit: {soft}")


def model_is_listed(frontend_url, model):
    with urllib.request.urlopen(f"{frontend_url}/v1/models", timeout=10) as response:
        listing = json.load(response)
    entries = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(entries, list):
        raise ValueError("the answer is not a model list")
    return any(isinstance(entry, dict) and entry.get("id") == model for entry in entries)


def wait_for_model(frontend_url, model, timeout_seconds, interval_seconds):
    deadline = time.monotonic() + timeout_seconds
    attempt = 0
    while True:
        attempt += 1
        try:
            if model_is_listed(frontend_url, model):
                log(f"{model} is listed at {frontend_url}/v1/models")
                return
            reason = "not listed yet"
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
            reason = str(getattr(error, "reason", error))
        if time.monotonic() >= deadline:
            fail(f"{model} was not listed at {frontend_url}/v1/models within {timeout_seconds} s (last: {reason})", 3)
        log(f"waiting for {model} at {frontend_url}/v1/models (attempt {attempt}: {reason}); next try in {interval_seconds} s")
        time.sleep(interval_seconds)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_trace(url, expected_sha256, path):
    if os.path.exists(path):
        actual = sha256_of(path)
        if actual == expected_sha256:
            log(f"reusing the verified trace {path}")
            return
        log(f"the cached trace {path} has sha256 {actual}, not {expected_sha256}; downloading it again")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.download"
    log(f"downloading the trace from {url}")
    try:
        urllib.request.urlretrieve(url, partial)
    except (urllib.error.URLError, OSError) as error:
        fail(f"could not download the trace from {url}: {getattr(error, 'reason', error)}", 4)
    actual = sha256_of(partial)
    if actual != expected_sha256:
        os.remove(partial)
        fail(
            f"the trace from {url} has sha256 {actual}, but {expected_sha256} was expected; "
            "refusing to benchmark with a trace that is not the pinned one",
            4,
        )
    os.replace(partial, path)
    log(f"verified the trace (sha256 {actual}) and kept it at {path}")


def prepare_artifact_dir(path):
    if os.path.isdir(path) and os.listdir(path):
        fail(f"{path} already holds a run; every run writes to a new directory, so change the run id", 5)
    os.makedirs(path, exist_ok=True)


def aiperf_command(trace_path, artifact_dir):
    command = [
        "aiperf", "profile",
        "-m", setting("MODEL_NAME"),
        "--input-file", trace_path,
        "--custom-dataset-type", "mooncake_trace",
        "--fixed-schedule",
        "--url", setting("FRONTEND_URL"),
        "--streaming",
        "--artifact-dir", artifact_dir,
        "--goodput", setting("GOODPUT"),
        # The model cache is read-only and holds the model by commit, not by branch.
        "--tokenizer-revision", setting("TOKENIZER_REVISION"),
    ]
    end_offset = os.environ.get("FIXED_SCHEDULE_END_OFFSET_MS", "")
    if end_offset:
        command += ["--fixed-schedule-end-offset", end_offset]
    return command


def run_aiperf(command, stop_at):
    """aiperf's exit code; at the time limit it is interrupted, as Ctrl-C would, and then killed."""
    process = subprocess.Popen(command)
    try:
        return process.wait(timeout=max(2.0, stop_at - time.time()))
    except subprocess.TimeoutExpired:
        log("aiperf is still running at the run's time limit (benchmark.activeDeadlineMinutes); stopping it")
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return TIMED_OUT


def run(artifact_dir, stop_at):
    raise_open_files_limit()
    # The wait ends by the time limit too, so that the summary step always gets its turn.
    wait_for_model(
        setting("FRONTEND_URL"),
        setting("MODEL_NAME"),
        max(0, min(int(setting("READY_TIMEOUT_SECONDS")), int(stop_at - time.time()))),
        float(setting("READY_POLL_SECONDS", "10")),
    )
    trace_path = setting("TRACE_PATH")
    ensure_trace(setting("TRACE_URL"), setting("TRACE_SHA256"), trace_path)
    if shutil.which("aiperf") is None:
        fail(f"aiperf is not installed (pip could not install aiperf {os.environ.get('AIPERF_VERSION', '')})", NO_AIPERF)
    prepare_artifact_dir(artifact_dir)
    command = aiperf_command(trace_path, artifact_dir)
    observers = start_observers(artifact_dir, trace_path)
    log(f"running: {shlex.join(command)}")
    try:
        exit_code = run_aiperf(command, stop_at)
    finally:
        finish_observers(observers)
    log(f"aiperf exited with code {exit_code}; artifacts in {artifact_dir}")
    return exit_code


def start_observers(artifact_dir, trace_path):
    """Progress lines and server metrics: what they cannot do is logged, and never stops the run."""
    end_offset = os.environ.get("FIXED_SCHEDULE_END_OFFSET_MS", "")
    try:
        observers = observe.Observers(artifact_dir, trace_path, float(end_offset) if end_offset else None, setting("FRONTEND_URL"))
        observers.start()
        return observers
    except Exception as error:  # noqa: BLE001 - the replay matters more than watching it
        log(f"progress and server metrics are off: {type(error).__name__}: {error}")
        return None


def finish_observers(observers):
    if observers is None:
        return
    try:
        observers.finish()
    except Exception as error:  # noqa: BLE001
        log(f"the last server metrics scrape failed: {type(error).__name__}: {error}")


def record_exit_code(artifact_dir, code):
    os.makedirs(artifact_dir, exist_ok=True)
    with open(os.path.join(artifact_dir, EXIT_CODE_FILE), "w") as file:
        file.write(f"{code}\n")


def main():
    artifact_dir = setting("ARTIFACT_DIR")
    started = float(os.environ.get("STARTED_AT") or time.time())
    stop_at = started + float(setting("RUN_TIME_LIMIT_SECONDS", "1e9"))
    try:
        code = run(artifact_dir, stop_at)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        if code in (0, ALREADY_A_RUN):
            raise
    except Exception as error:  # noqa: BLE001 - whatever it was, the summary step still reports the run
        log(f"error: {type(error).__name__}: {error}")
        code = 1
    record_exit_code(artifact_dir, code)
    if code != 0:
        log(f"the summary step reports what was recorded, then fails the Job with code {code}")


if __name__ == "__main__":
    main()
