import { describeFileError } from "../lib/fileErrors";
import { processIo } from "./io";
import { runCli } from "./program";

// `npm run cli` runs in the project's root; paths the user gives are relative to where they typed it.
if (process.env.npm_lifecycle_event === "cli" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

// A reader that stops early (`render | head`) closes the pipe: the command ends quietly, as Unix tools do.
// Any other failure (a full disk, EIO) lost output the user asked for: one line says so, and the exit fails.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  process.stderr.write(`error: cannot write the output: ${describeFileError(error)}\n`);
  process.exit(1);
});

void runCli(process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
  // A credential plugin cut at its timeout may still be running: it must not hold the command open.
  setTimeout(() => process.exit(code), 2_000).unref();
});
