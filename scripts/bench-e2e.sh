#!/usr/bin/env bash
# End-to-end benchmark: PostgreSQL's own COPY ... TO STDOUT (FORMAT binary) into /dev/null, beside Rivet exporting the
# same table to Parquet, in one invocation on one machine (a ratio means more than a time on a shared machine).
#
# Usage: scripts/bench-e2e.sh [runs]            (default 1 run of each)
# Env:   BENCH_PG      libpq connection options for psql (default: -h 127.0.0.1 -U postgres)
#        BENCH_DB      database holding the fixture (default: rivet_bench; created and loaded when missing)
#        BENCH_TABLE   table to export (default: content_items)
#        BENCH_XMX     heap for the Rivet JVM (default: 256m)
#        BENCH_PROFILE Rivet profile (default: fast); BENCH_PARALLEL workers (default: 2)
# Prints one line per run: tool, wall seconds, rows/s, MB/s of output, peak RSS (MB).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-1}
pg=${BENCH_PG:--h 127.0.0.1 -U postgres}
db=${BENCH_DB:-rivet_bench}
table=${BENCH_TABLE:-content_items}
xmx=${BENCH_XMX:-256m}
profile=${BENCH_PROFILE:-fast}
parallel=${BENCH_PARALLEL:-2}
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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
    format: parquet
    compression: zstd
    destination: {type: local, path: ./out}
    tuning: {profile: $profile}
YAML

report() { # tool seconds rss_kb bytes
  awk -v t="$1" -v s="$2" -v r="$rows" -v kb="$3" -v b="$4" 'BEGIN {
    printf "%-28s %8.2f s %12.0f rows/s %8.1f MB/s %8.0f MB RSS\n", t, s, r / s, b / 1048576 / s, kb / 1024 }'
}

echo "table $table: $rows rows; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -o "$work/copy.time" -f "%e %M" \
    bash -c "psql $pg -d $db -qc 'COPY (SELECT * FROM $table) TO STDOUT (FORMAT binary)' | tee >(wc -c > $work/copy.bytes) > /dev/null"
  read -r secs kb < "$work/copy.time"
  report "COPY binary -> /dev/null" "$secs" "$kb" "$(cat "$work/copy.bytes")"

  rm -rf "$work/out" "$work/.rivet"
  /usr/bin/time -o "$work/rivet.time" -f "%e %M" \
    java -Xmx"$xmx" --add-opens=java.base/java.nio=ALL-UNNAMED -jar "$jar" run -c "$work/rivet.yaml" \
    > "$work/rivet.out" 2> "$work/rivet.err" || { cat "$work/rivet.err" >&2; exit 1; }
  read -r secs kb < "$work/rivet.time"
  bytes=$(find "$work/out" -name '*.parquet' -printf '%s\n' | awk '{s += $1} END {print s}')
  report "rivet $profile p$parallel -Xmx$xmx" "$secs" "$kb" "$bytes"
  grep -E "^bench:" "$work/rivet.out" >&2 || true
done
