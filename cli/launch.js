#!/usr/bin/env node
// The package's bin, `npx dynamo-bench`: runs the CLI's bundle (cli/bundle.js builds it, on
// `npm run build` or here on first start). A file the bundle was built from that changed since is
// rebuilt first, so a command never runs stale code: one stat per recorded input, and no walk.
"use strict";
const { readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");
const { BUNDLE, INPUTS, buildBundle, root } = require("./bundle");

function isFresh() {
  try {
    const inputs = JSON.parse(readFileSync(INPUTS, "utf8"));
    return Object.entries(inputs).every(([file, mtimeMs]) => statSync(join(root, file)).mtimeMs === mtimeMs);
  } catch {
    return false;
  }
}

if (isFresh()) {
  require(BUNDLE);
} else {
  // esbuild has already printed why the build failed.
  buildBundle().then(
    () => require(BUNDLE),
    () => process.exit(1),
  );
}
