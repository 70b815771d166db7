# Sourced by .ci/run and bench/run: exports JAVA_HOME (and PATH) for a JDK >= 21.
# The build compiles --release 21; the machine's default java may be older (17 on Debian 12).

java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
    return 0
  fi
  if command -v java >/dev/null && [ "$(java_major java)" -ge 21 ]; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    return 0
  fi
  local candidate best="" best_major=0 major
  for candidate in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(java_major "$candidate/bin/java")"
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "No JDK >= 21 found (checked JAVA_HOME, java on PATH, /usr/lib/jvm/*). Install one, e.g. apt-get install openjdk-21-jdk, or set JAVA_HOME." >&2
    return 1
  fi
  JAVA_HOME="$best"
}

pick_jdk || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
