import { execFileSync } from "node:child_process";

/**
 * The Python interpreter that `python3` on PATH runs, found once. Started directly, it skips a version
 * manager's shim on every run: pyenv's starts some 25 processes before Python does.
 */
export const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
