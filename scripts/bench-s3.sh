#!/usr/bin/env bash
# Cloud-sink benchmark: the same chunked export of a large table written to the local sink and to an S3-compatible
# server (S3Proxy, started here as a separate process on 127.0.0.1), one after the other, recording each run's wall
# time and the peak RSS of the Rivet JVM (/usr/bin/time -f %M). The S3 server's own memory is not counted: it stands
# for a remote store. Rivet runs the way a user runs it: through bin/rivet, with the launcher's default heap unless
# BENCH_XMX says otherwise.
#
# Usage: scripts/bench-s3.sh [runs]            (default 1 run of each)
# Env:   BENCH_PG       libpq connection options for psql (default: -h 127.0.0.1 -U postgres)
#        BENCH_DB       database holding the fixture (default: rivet_bench; created and loaded when missing)
#        BENCH_TABLE    table to export (default: content_items, 2,000,000 rows)
#        BENCH_FORMAT   csv or parquet (default: csv, about 1.2 GB for content_items)
#        BENCH_COMPRESSION  Parquet compression (default: none)
#        BENCH_XMX      heap for the Rivet JVM (default: "launcher", bin/rivet's default; "jvm" the JVM's own
#                       default, a quarter of RAM; else a size such as 192m)
#        BENCH_PROFILE  Rivet profile (default: balanced); BENCH_PARALLEL workers (default: 2)
#        BENCH_SINKS    which sinks to run, in order (default: "local s3")
#        BENCH_JAVA_OPTS extra JVM options for Rivet, split on spaces (e.g. -XX:NativeMemoryTracking=summary)
#        BENCH_S3_OPTIONS extra keys for the s3 destination, e.g. "part_size: 5MB, upload_threads: 4"
# Prints one line per run: sink, wall seconds, rows/s, MB written, MB/s, peak RSS (MB).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-1}
pg=${BENCH_PG:--h 127.0.0.1 -U postgres}
db=${BENCH_DB:-rivet_bench}
table=${BENCH_TABLE:-content_items}
format=${BENCH_FORMAT:-csv}
compression=${BENCH_COMPRESSION:-none}
xmx=${BENCH_XMX:-launcher}
profile=${BENCH_PROFILE:-balanced}
parallel=${BENCH_PARALLEL:-2}
sinks=${BENCH_SINKS:-local s3}
fixtures=../shared/fixtures

# shellcheck disable=SC2086
psql_db() { psql $pg -d "$db" -v ON_ERROR_STOP=1 -qAt "$@"; }

# shellcheck disable=SC2086
if ! psql $pg -d postgres -Atc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
  psql $pg -d postgres -qc "create database $db"
fi
if [ "$(psql_db -c "select to_regclass('$table') is not null")" != "t" ]; then
  echo "loading fixture $table into $db (takes a while)..." >&2
  psql_db -f "$fixtures/pg_$table.sql"
  psql_db -c "vacuum (freeze, analyze) $table"
fi
rows=$(psql_db -c "select count(*) from $table")

jar=rivet-cli/target/rivet.jar
[ -f "$jar" ] || mvn -B -q -ntp package -DskipTests
s3proxy=rivet-sinks/rivet-sink-s3/target/s3proxy/s3proxy.jar
[ -f "$s3proxy" ] || s3proxy=$HOME/.m2/repository/org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar
[ -f "$s3proxy" ] || mvn -B -q -ntp generate-test-resources -pl rivet-sinks/rivet-sink-s3 -am

work=$(mktemp -d)
proxy_pid=
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/s3/bench"
cat > "$work/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access-key
s3proxy.credential=bench-secret-key
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$work/s3
CONF

start_s3() {
  java -Xmx512m -jar "$s3proxy" --properties "$work/s3proxy.conf" > "$work/s3proxy.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then return 0; fi
    sleep 0.2
  done
  cat "$work/s3proxy.log" >&2
  echo "S3Proxy did not start" >&2
  exit 1
}

write_config() { # destination
  cat > "$work/rivet.yaml" <<YAML
source:
  type: postgres
  url: "jdbc:postgresql://127.0.0.1:5432/$db?user=postgres"
exports:
  - name: bench
    table: $table
    mode: chunked
    chunk_size: 250000
    parallel: $parallel
    format: $format
$( [ "$format" = parquet ] && echo "    compression: $compression" )
    destination: $1
    tuning: {profile: $profile}
YAML
}

case $xmx in
  launcher) java_opts= ;;
  jvm | default) java_opts=-XX:MaxRAMPercentage=25 ;; # the JVM's default, spelled out so bin/rivet keeps it
  *) java_opts=-Xmx$xmx ;;
esac
java_opts="$java_opts ${BENCH_JAVA_OPTS:-}"

report() { # sink seconds rss_kb bytes
  awk -v t="$1" -v s="$2" -v r="$rows" -v kb="$3" -v b="$4" 'BEGIN {
    printf "%-30s %8.2f s %10.0f rows/s %8.1f MB %7.1f MB/s %6.0f MB RSS\n", t, s, r / s, b / 1048576,
      b / 1048576 / s, kb / 1024 }'
}

echo "table $table: $rows rows; format $format; profile $profile; parallel $parallel; heap ${xmx};" \
  "$(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
# The first `bin/rivet run` after a build records the launcher's class-data archive (docs/design/013-memory.md); one
# unmeasured local export first, so that every measured run starts as users' do.
write_config "{type: local, path: ./out}"
RIVET_JAVA_OPTS="$java_opts" bin/rivet run -c "$work/rivet.yaml" > /dev/null 2>&1 ||
  echo "warm-up export failed; the first measured run may include the archive's recording" >&2
for i in $(seq 1 "$runs"); do
  for sink in $sinks; do
    rm -rf "$work/out" "$work/.rivet" "$work/s3/bench/"*
    case $sink in
      local) write_config "{type: local, path: ./out}" ;;
      s3)
        [ -n "$proxy_pid" ] || start_s3
        write_config "{type: s3, bucket: bench, prefix: runs, endpoint: \"http://127.0.0.1:$port\", region: us-east-1${BENCH_S3_OPTIONS:+, $BENCH_S3_OPTIONS}}" ;;
      *) echo "unknown sink $sink" >&2; exit 1 ;;
    esac
    AWS_ACCESS_KEY_ID=bench-access-key AWS_SECRET_ACCESS_KEY=bench-secret-key RIVET_JAVA_OPTS="$java_opts" \
      /usr/bin/time -o "$work/rivet.time" -f "%e %M" \
      bin/rivet run -c "$work/rivet.yaml" \
      > "$work/rivet.out" 2> "$work/rivet.err" || { cat "$work/rivet.err" >&2; exit 1; }
    read -r secs kb < "$work/rivet.time"
    if [ "$sink" = local ]; then
      bytes=$(find "$work/out" -name "part-*" -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    else
      bytes=$(find "$work/s3/bench" -name "part-*" -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    fi
    report "rivet $sink $format p$parallel" "$secs" "$kb" "$bytes"
    grep -E "^bench:" "$work/rivet.out" >&2 || true
    if [ -n "${BENCH_JAVA_OPTS:-}" ]; then grep -A40 "Native Memory Tracking" "$work/rivet.out" >&2 || true; fi
  done
done
