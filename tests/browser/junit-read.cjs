// Reads a JUnit XML file with a real JUnit reader (test-results-parser, as CI dashboards use)
// and prints its totals as JSON: {total, passed, failed, skipped, suites: [{name, total, failed}]}.
const { parse } = require("test-results-parser");
const result = parse({ type: "junit", files: [process.argv[2]] });
const suites = result.suites.map((s) => ({ name: s.name, total: s.total, failed: s.failed, skipped: s.skipped }));
process.stdout.write(JSON.stringify({ total: result.total, passed: result.passed, failed: result.failed, skipped: result.skipped, suites }));
