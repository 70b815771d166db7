#!/usr/bin/env bash
# Synthesizes the stack through the real CDK CLI, offline, exactly as `cdk deploy` would (cdk.json's app, cdk-nag
# included), and checks that the template equals the one the Java tests asserted on, for two contexts:
#   default    no context: DefaultStackTest writes target/synth-check/expected-template.json
#   scheduled  the planner's schedule and spec key (ScheduledStackTest.CONTEXT): ScheduledStackTest writes
#              target/synth-check/expected-scheduled-template.json
# Both sides use the same stand-in jar (target/synth-check/function.jar, also written by the tests), so the Lambda
# asset hash matches and this needs no build of the function module.
#
# Run after `./mvnw -pl infra-cdk verify` (or a full `./mvnw verify`), with JAVA_HOME at a JDK >= 21 and Node on
# the PATH. Prints "synth-check: 2 passed, 0 failed" (or how many failed, and exits 1).
set -euo pipefail
cd "$(dirname "$0")"

CDK_CLI="aws-cdk@2.1148.1"
dir=target/synth-check
jar=$dir/function.jar

# name | expected template | extra CLI context (keep in step with the tests that write the templates)
cases=(
  "default|$dir/expected-template.json|"
  "scheduled|$dir/expected-scheduled-template.json|schedule=cron(0 2 * * ? *);scheduleSpecKey=specs/nightly.yaml"
)

for f in "$jar" $(printf '%s\n' "${cases[@]}" | cut -d'|' -f2); do
  if [ ! -f "$f" ]; then
    echo "synth-check: $f is missing: run ./mvnw -pl infra-cdk verify first (the stack tests write it)." >&2
    exit 1
  fi
done

check() {
  local name=$1 expected=$2 context=$3
  local out=$dir/cdk.out.$name
  local args=(--context "functionJar=$jar")
  local kv
  if [ -n "$context" ]; then
    while IFS= read -r kv; do args+=(--context "$kv"); done < <(tr ';' '\n' <<<"$context")
  fi
  rm -rf "$out"
  local start
  start=$(date +%s)
  if ! CDK_DISABLE_CLI_TELEMETRY=true npx --yes "$CDK_CLI" synth --no-notices --output "$out" "${args[@]}" \
        >"$dir/cli-stdout.$name.yaml" 2>"$dir/cli-stderr.$name.txt"; then
    grep -v -e '^WARNING: ' -e '^!!' "$dir/cli-stderr.$name.txt" >&2 || true
    echo "synth-check: $name: cdk synth failed (full output in infra-cdk/$dir/cli-stderr.$name.txt)" >&2
    return 1
  fi
  echo "synth-check: $name: cdk synth took $(( $(date +%s) - start )) s"

  # Compare everything but what only the CLI adds: the CDKMetadata resource (and its condition) and each resource's
  # Metadata (construct paths, asset paths for SAM).
  node - "$name" "$expected" "$out/sliceflow.template.json" <<'JS'
const fs = require('fs');
const [name, expectedPath, actualPath] = process.argv.slice(2);
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
  console.error(`synth-check: ${name}: the CLI's template differs from the Java test's in: ${differing.join(', ')}`);
  process.exit(1);
}
console.log(`synth-check: ${name}: the CLI's template equals the Java test's (${resources} resources)`);
JS
}

passed=0
failed=0
for c in "${cases[@]}"; do
  IFS='|' read -r name expected context <<<"$c"
  if check "$name" "$expected" "$context"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "synth-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
