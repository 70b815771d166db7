#!/usr/bin/env bash
# Synthesizes the stack through the real CDK CLI, offline, exactly as `cdk deploy` would (cdk.json's app, cdk-nag
# included), and checks that the template equals the one the Java tests asserted on: DefaultStackTest writes it to
# target/synth-check/expected-template.json. Both use the same stand-in jar (target/synth-check/function.jar, also
# written by the tests), so the Lambda asset hash matches and this needs no build of the function module.
#
# Run after `./mvnw -pl infra-cdk verify` (or a full `./mvnw verify`), with JAVA_HOME at a JDK >= 21 and Node on
# the PATH. Prints "synth-check: 1 passed, 0 failed" or "... 0 passed, 1 failed" (and exits 1).
set -euo pipefail
cd "$(dirname "$0")"

CDK_CLI="aws-cdk@2.1148.1"
dir=target/synth-check
expected=$dir/expected-template.json
jar=$dir/function.jar
out=$dir/cdk.out

for f in "$expected" "$jar"; do
  if [ ! -f "$f" ]; then
    echo "synth-check: $f is missing: run ./mvnw -pl infra-cdk verify first (DefaultStackTest writes it)." >&2
    exit 1
  fi
done

rm -rf "$out"
start=$(date +%s)
if ! CDK_DISABLE_CLI_TELEMETRY=true npx --yes "$CDK_CLI" synth --no-notices --output "$out" \
      --context "functionJar=$jar" >"$dir/cli-stdout.yaml" 2>"$dir/cli-stderr.txt"; then
  grep -v -e '^WARNING: ' -e '^!!' "$dir/cli-stderr.txt" >&2 || true
  echo "synth-check: cdk synth failed (full output in infra-cdk/$dir/cli-stderr.txt)" >&2
  echo "synth-check: 0 passed, 1 failed"
  exit 1
fi
echo "synth-check: cdk synth took $(( $(date +%s) - start )) s"

# Compare everything but what only the CLI adds: the CDKMetadata resource (and its condition) and each resource's
# Metadata (construct paths, asset paths for SAM).
node - "$expected" "$out/sliceflow.template.json" <<'JS'
const fs = require('fs');
const [expectedPath, actualPath] = process.argv.slice(2);
const normalize = (t) => {
  delete t.Resources.CDKMetadata;
  if (t.Conditions) {
    delete t.Conditions.CDKMetadataAvailable;
    if (Object.keys(t.Conditions).length === 0) delete t.Conditions;
  }
  for (const r of Object.values(t.Resources)) delete r.Metadata;
  return t;
};
const canonical = (v) => Array.isArray(v) ? v.map(canonical)
  : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
    : v;
const expected = canonical(normalize(JSON.parse(fs.readFileSync(expectedPath, 'utf8'))));
const actual = canonical(normalize(JSON.parse(fs.readFileSync(actualPath, 'utf8'))));
const differing = [];
for (const section of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
  const e = expected[section] || {}, a = actual[section] || {};
  if (typeof e !== 'object' || typeof a !== 'object') {
    if (JSON.stringify(e) !== JSON.stringify(a)) differing.push(section);
    continue;
  }
  for (const id of new Set([...Object.keys(e), ...Object.keys(a)])) {
    if (JSON.stringify(e[id]) !== JSON.stringify(a[id])) differing.push(`${section}.${id}`);
  }
}
const resources = Object.keys(actual.Resources).length;
if (differing.length) {
  console.error(`synth-check: the CLI's template differs from the Java test's in: ${differing.join(', ')}`);
  console.log('synth-check: 0 passed, 1 failed');
  process.exit(1);
}
console.log(`synth-check: the CLI's template equals the Java test's (${resources} resources)`);
console.log('synth-check: 1 passed, 0 failed');
JS
