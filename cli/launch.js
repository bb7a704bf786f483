#!/usr/bin/env node
// The package's bin, `npx dynamo-bench`: runs the CLI's bundle (cli/bundle.js builds it, on
// `npm run build` or here on first start). A file the bundle was built from that changed since is
// rebuilt first, so a command never runs stale code: one stat per recorded input, and no walk.
"use strict";
const { readFileSync, statSync } = require("node:fs");
const { resolve } = require("node:path");
const { BUNDLE, INPUTS, buildBundle, root } = require("./bundle");

function isFresh() {
  try {
    const inputs = JSON.parse(readFileSync(INPUTS, "utf8"));
    return (
      inputs.root === root && Object.entries(inputs.files).every(([file, mtimeMs]) => statSync(resolve(root, file)).mtimeMs === mtimeMs)
    );
  } catch {
    return false;
  }
}

if (isFresh()) {
  require(BUNDLE);
} else {
  buildBundle().then(
    () => require(BUNDLE),
    (error) => {
      // esbuild has already printed what in the source stopped it.
      if (!error.errors) process.stderr.write(`error: cannot build the CLI's bundle at ${BUNDLE}: ${error.message}\n`);
      process.exit(1);
    },
  );
}
