"""Serves one stack's benchmark artifacts from the perf-cache volume, read-only, for `dynamo-bench results`.

The short-lived reader pod that `results pull` and `results list` create runs it; the CLI reaches it
through the API server's pod proxy. It writes nothing. Symbolic links are listed as links and never
followed, and nothing outside the stack's artifact directory is served.

Usage: python3 results-reader.py <stack-artifact-dir> <port> <bind-address>

GET /healthz                      ok
GET /runs                         {"runs": [{"runId", "modifiedAt", "exitCode", "hasSummary"}]}
GET /runs/<run-id>/listing        {"runId", "files": [{"path", "type": "file", "size", "sha256"} | {"path", "type": "symlink" | "other"}]}
GET /runs/<run-id>/files/<path>   the file's bytes
"""

import hashlib
import http.server
import json
import os
import re
import stat
import sys
import urllib.parse

EXIT_CODE_FILE = "aiperf-exit-code"
SUMMARY_FILE = "summary.json"
# analysis/runs/runName.ts: the names a run directory may have under results/.
RUN_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$")
CHUNK = 1 << 20


class NotServed(Exception):
    pass


def open_below(root, parts, directory=False):
    """A descriptor for root/parts..., opened one component at a time: no link is followed, no '..' climbs out."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for index, part in enumerate(parts):
            if part in ("", ".", "..") or "\0" in part or "/" in part:
                raise NotServed(f"{part!r} is not a plain name")
            last = index == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if directory or not last else 0)
            try:
                next_fd = os.open(part, flags, dir_fd=fd)
            except OSError as error:
                raise NotServed(f"{'/'.join(parts)}: {error.strerror}") from error
            os.close(fd)
            fd = next_fd
        if not directory and not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotServed(f"{'/'.join(parts)} is not a regular file")
        return fd
    except BaseException:
        os.close(fd)
        raise


def run_ids(root):
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return []
    return [entry for entry in entries if RUN_ID.match(entry.name) and entry.is_dir(follow_symlinks=False)]


def small_file(root, parts, limit=64):
    try:
        fd = open_below(root, parts)
    except NotServed:
        return None
    with os.fdopen(fd, "rb") as file:
        return file.read(limit).decode("utf-8", "replace").strip()


def runs(root):
    listed = []
    for entry in run_ids(root):
        listed.append(
            {
                "runId": entry.name,
                "modifiedAt": entry.stat(follow_symlinks=False).st_mtime,
                "exitCode": small_file(root, [entry.name, EXIT_CODE_FILE]),
                "hasSummary": small_file(root, [entry.name, SUMMARY_FILE], 1) is not None,
            }
        )
    return {"runs": listed}


def sha256_of(fd):
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def listing(root, run_id):
    files = []

    def visit(parts):
        fd = open_below(root, [run_id, *parts], directory=True)
        try:
            modes = {name: os.lstat(name, dir_fd=fd).st_mode for name in sorted(os.listdir(fd))}
        finally:
            os.close(fd)
        for name, mode in modes.items():
            path = [*parts, name]
            if stat.S_ISLNK(mode):
                files.append({"path": "/".join(path), "type": "symlink"})
            elif stat.S_ISDIR(mode):
                visit(path)
            elif stat.S_ISREG(mode):
                fd = open_below(root, [run_id, *path])
                size = os.fstat(fd).st_size
                files.append({"path": "/".join(path), "type": "file", "size": size, "sha256": sha256_of(fd)})
            else:
                files.append({"path": "/".join(path), "type": "other"})

    visit([])
    return {"runId": run_id, "files": files}


def handler_for(root):
    class Reader(http.server.BaseHTTPRequestHandler):
        def send_json(self, status, value):
            body = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - the name http.server calls
            parts = [urllib.parse.unquote(part) for part in urllib.parse.urlsplit(self.path).path.split("/")[1:]]
            try:
                if parts == ["healthz"]:
                    return self.send_json(200, {"ok": True})
                if parts == ["runs"]:
                    return self.send_json(200, runs(root))
                if len(parts) == 3 and parts[0] == "runs" and parts[2] == "listing" and RUN_ID.match(parts[1]):
                    return self.send_json(200, listing(root, parts[1]))
                if len(parts) >= 4 and parts[0] == "runs" and parts[2] == "files" and RUN_ID.match(parts[1]):
                    return self.send_file(open_below(root, [parts[1], *parts[3:]]))
                self.send_json(404, {"message": f"no such path: {self.path}"})
            except NotServed as error:
                self.send_json(404, {"message": str(error)})

        def send_file(self, fd):
            with os.fdopen(fd, "rb") as file:
                self.send_response(200)
                self.send_header("content-type", "application/octet-stream")
                self.send_header("content-length", str(os.fstat(fd).st_size))
                self.end_headers()
                for block in iter(lambda: file.read(CHUNK), b""):
                    self.wfile.write(block)

        def log_message(self, format, *args):  # noqa: A002 - http.server's signature
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return Reader


def main():
    root, port, bind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    server = http.server.ThreadingHTTPServer((bind, port), handler_for(root))
    print(f"serving {root} read-only on {bind}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
