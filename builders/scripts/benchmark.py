"""One benchmark run in the cluster: wait for the model, fetch and verify the trace, run aiperf.

Configured by environment variables (see the Job). Exits non-zero, with a message, when the run
cannot start; otherwise it records aiperf's exit code beside the artifacts for the summary step,
which reports the run and then exits with that code.
"""

import datetime
import hashlib
import json
import os
import resource
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request

EXIT_CODE_FILE = "aiperf-exit-code"


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
    return any(entry.get("id") == model for entry in listing.get("data", []))


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
        except (urllib.error.URLError, OSError, ValueError) as error:
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


def main():
    raise_open_files_limit()
    wait_for_model(
        setting("FRONTEND_URL"),
        setting("MODEL_NAME"),
        int(setting("READY_TIMEOUT_SECONDS")),
        float(setting("READY_POLL_SECONDS", "10")),
    )
    trace_path = setting("TRACE_PATH")
    ensure_trace(setting("TRACE_URL"), setting("TRACE_SHA256"), trace_path)
    artifact_dir = setting("ARTIFACT_DIR")
    prepare_artifact_dir(artifact_dir)
    command = aiperf_command(trace_path, artifact_dir)
    log(f"running: {shlex.join(command)}")
    exit_code = subprocess.call(command)
    with open(os.path.join(artifact_dir, EXIT_CODE_FILE), "w") as file:
        file.write(f"{exit_code}\n")
    log(f"aiperf exited with code {exit_code}; artifacts in {artifact_dir}")


if __name__ == "__main__":
    main()
