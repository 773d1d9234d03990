#!/usr/bin/env bash
# End-to-end benchmark on MySQL/MariaDB: the server's own fastest dump of the table to /dev/null
# (`mariadb --quick --batch -e 'SELECT * ...'`), beside Rivet exporting the same table to Parquet, in one invocation
# on one machine (the ratio means more than a time on a shared machine). Then Rivet under SAFE with the server's
# slow query log capturing every statement, to report the longest single statement Rivet ran.
#
# Usage: scripts/bench-e2e-mysql.sh [runs]      (default 1 run of each)
# Env:   BENCH_MYSQL    client options for mariadb/mysql (default: -h 127.0.0.1 -P 3306 -uroot)
#        BENCH_DB       database holding the fixture (default: rivet_bench; created and loaded when missing)
#        BENCH_TABLE    table to export (default: content_items)
#        BENCH_XMX      heap for the Rivet JVM (default: 256m)
#        BENCH_PARALLEL workers for the chunked run (default: 2)
#        BENCH_FAST     1 (default) to time the dump baseline and the FAST runs
#        BENCH_SAFE     1 (default) to measure the SAFE statement lengths; needs SUPER to switch the slow log on
# Prints one line per run: tool, wall seconds, rows/s, MB/s of output, peak RSS (MB); then the SAFE statements.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-1}
my=${BENCH_MYSQL:--h 127.0.0.1 -P 3306 -uroot}
db=${BENCH_DB:-rivet_bench}
table=${BENCH_TABLE:-content_items}
xmx=${BENCH_XMX:-256m}
parallel=${BENCH_PARALLEL:-2}
fast=${BENCH_FAST:-1}
safe=${BENCH_SAFE:-1}
client=$(command -v mariadb || command -v mysql)

# shellcheck disable=SC2086
sql() { "$client" $my --default-character-set=utf8mb4 -N -B "$@"; }

sql -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4"
if [ "$(sql -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME = '$table'")" = 0 ]; then
  echo "loading fixture $table into $db (takes several minutes)..." >&2
  sql "$db" < "scripts/fixtures/mysql_$table.sql" > /dev/null
fi
rows=$(sql "$db" -e "SELECT COUNT(*) FROM \`$table\`")
version=$(sql -e "SELECT VERSION()")

jar=rivet-cli/target/rivet.jar
[ -f "$jar" ] || mvn -B -q -ntp package -DskipTests

work=$(mktemp -d)
slowlog=""
restore_log() {
  if [ -n "$slowlog" ]; then
    sql -e "SET GLOBAL slow_query_log = $old_slow, GLOBAL long_query_time = $old_long,
            GLOBAL slow_query_log_file = '$old_file'" || true
  fi
}
trap 'restore_log; rm -rf "$work"; [ -z "$slowlog" ] || rm -f "$slowlog"' EXIT

# The URL as the Rust tool's configs write it; the CLI turns it into a Connector/J URL.
host=$(echo "$my" | sed -n 's/.*-h *\([^ ]*\).*/\1/p'); host=${host:-127.0.0.1}
port=$(echo "$my" | sed -n 's/.*-P *\([^ ]*\).*/\1/p'); port=${port:-3306}
user=$(echo "$my" | sed -n 's/.*-u *\([^ ]*\).*/\1/p'); user=${user:-root}
url="mysql://$user@$host:$port/$db"

config() { # name mode-yaml profile-yaml
  cat > "$work/$1.yaml" <<YAML
source:
  type: mysql
  url: "$url"
exports:
  - name: bench
    table: $table
$2
    format: parquet
    compression: zstd
    destination: {type: local, path: ./out}
    tuning: $3
YAML
}
config full "    mode: full" "{profile: fast}"
config chunked "    mode: chunked
    chunk_size: 250000
    parallel: $parallel" "{profile: fast}"
config query "    mode: full" "{profile: fast}"
sed -i "s/^    table: $table\$/    query: \"SELECT * FROM $table\"/" "$work/query.yaml"
# SAFE's statements, without its pauses between transactions (they do not change a statement's length; with them
# the run would sleep 500 ms per 2,000 rows).
config safe "    mode: chunked
    chunk_size: 250000
    parallel: $parallel" "{profile: safe, throttle_ms: 0}"
config safe_full "    mode: full" "{profile: safe, throttle_ms: 0}"
# For comparison: the same chunks, each read in one streaming statement (what a query export does).
config safe_stream "    mode: chunked
    chunk_column: id
    chunk_size: 250000
    parallel: $parallel" "{profile: safe, throttle_ms: 0}"
sed -i "s/^    table: $table\$/    query: \"SELECT * FROM $table\"/" "$work/safe_stream.yaml"

report() { # tool seconds rss_kb bytes
  awk -v t="$1" -v s="$2" -v r="$rows" -v kb="$3" -v b="$4" 'BEGIN {
    printf "%-40s %8.2f s %12.0f rows/s %8.1f MB/s %8.0f MB RSS\n", t, s, r / s, b / 1048576 / s, kb / 1024 }'
}

rivet() { # config-name label
  rm -rf "$work/out" "$work/.rivet"
  /usr/bin/time -o "$work/rivet.time" -f "%e %M" \
    java -Xmx"$xmx" --add-opens=java.base/java.nio=ALL-UNNAMED -jar "$jar" run -c "$work/$1.yaml" \
    > "$work/rivet.out" 2> "$work/rivet.err" || { cat "$work/rivet.err" >&2; exit 1; }
  read -r secs kb < "$work/rivet.time"
  bytes=$(find "$work/out" -name '*.parquet' -printf '%s\n' | awk '{s += $1} END {print s}')
  report "$2" "$secs" "$kb" "$bytes"
  grep -E "^bench:" "$work/rivet.out" >&2 || true
}

echo "table $table: $rows rows; $version; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
[ "$fast" = 1 ] || runs=0
for i in $(seq 1 "$runs"); do
  # shellcheck disable=SC2086
  /usr/bin/time -o "$work/dump.time" -f "%e %M" \
    bash -c "\"$client\" $my --default-character-set=utf8mb4 --quick --batch -e 'SELECT * FROM \`$table\`' $db \
      | tee >(wc -c > $work/dump.bytes) > /dev/null"
  read -r secs kb < "$work/dump.time"
  report "$(basename "$client") --quick --batch > /dev/null" "$secs" "$kb" "$(cat "$work/dump.bytes")"
  rivet full "rivet fast full (keyset pages) -Xmx$xmx"
  rivet chunked "rivet fast chunked p$parallel -Xmx$xmx"
  rivet query "rivet fast query (one SELECT) -Xmx$xmx"
done

analyze_log() { # label
  # Statements of the benchmark database's sessions only; every statement is logged (long_query_time = 0). An
  # entry is '# Query_time: ...' header lines, then maybe 'use db;' and 'SET timestamp=...;', then the statement.
  awk -v db="$db" -v label="$1" '
    /^# Thread_id:/ { schema = ""; for (i = 1; i <= NF; i++) if ($i == "Schema:") schema = $(i + 1); next }
    /^# Query_time:/ { qt = $3; take = (schema == db); next }
    /^#/ || /^use / || /^SET timestamp=/ || /^(\/usr|Tcp port|Time )/ { next }
    take { n++; total += qt; if (qt > max) { max = qt; stmt = substr($0, 1, 150) }
           if ($0 ~ /ORDER BY .* LIMIT [0-9]+;?$/) pages++; take = 0 }
    END { printf "%s: %d statements (%d keyset pages), longest %.3f s, mean %.4f s\n  longest: %s\n",
                 label, n, pages, max, total / n, stmt }
  ' "$slowlog"
}

if [ "$safe" = 1 ]; then
  read -r old_slow old_long old_file <<< "$(sql -e "SELECT @@global.slow_query_log, @@global.long_query_time,
      @@global.slow_query_log_file")"
  # The server writes the log itself, so it goes where the server's user may create files.
  slowlog="/tmp/rivet-bench-slow-$$.log"
  for run in safe safe_full safe_stream; do
    rm -f "$slowlog"
    sql -e "SET GLOBAL slow_query_log_file = '$slowlog', GLOBAL long_query_time = 0, GLOBAL slow_query_log = 1"
    case $run in
      safe) label="rivet safe chunked p$parallel (no pauses)" ;;
      safe_full) label="rivet safe full (no pauses)" ;;
      *) label="rivet safe chunked p$parallel, one SELECT per chunk" ;;
    esac
    rivet "$run" "$label"
    sql -e "SET GLOBAL slow_query_log = 0"
    [ -z "${BENCH_KEEP_LOG:-}" ] || cp "$slowlog" "$BENCH_KEEP_LOG.$run"
    analyze_log "$label"
  done
fi
