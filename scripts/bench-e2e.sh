#!/usr/bin/env bash
# End-to-end benchmark (docs/benchmarks.md): PostgreSQL's own COPY ... TO STDOUT (FORMAT binary) into /dev/null,
# beside Rivet exporting the same table to Parquet zstd, in one invocation on one machine (on a shared machine a ratio
# means more than a time).
#
# Per run and table: the COPY baseline, then Rivet FAST (chunked, default chunk size, 2 workers, run through bin/rivet
# with the launcher's default JVM settings). Then Rivet FAST on tables holding a tenth of the rows (memory must not
# grow with the table), and Rivet SAFE on content_items. While each command runs, io.rivet.bench.macro.PgActivitySampler watches pg_stat_activity
# and reports the longest single statement, the longest transaction and the most sessions PostgreSQL saw.
#
# Usage: scripts/bench-e2e.sh [runs]              (default 3)
# Env:   BENCH_PG         libpq options for psql (default: -h 127.0.0.1 -U postgres)
#        BENCH_JDBC       JDBC URL of the server, any database (default: jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres)
#        BENCH_DB         database holding the fixtures (default: rivet_bench; created and loaded when missing)
#        BENCH_TABLES     tables to export (default: "content_items events")
#        BENCH_PARALLEL   workers (default: 2)
#        BENCH_JAVA_OPTS  extra JVM options for Rivet, passed to bin/rivet as RIVET_JAVA_OPTS (default: none, i.e. the
#                         launcher's defaults, what users get; an -Xmx here replaces the launcher's heap settings)
#        BENCH_TENTH      1 (default) to also run FAST on <table>_tenth, 0 to skip
#        BENCH_SAFE_RUNS  runs of SAFE on content_items (default: 1; SAFE pauses 500 ms per 2,000 rows by design)
#        BENCH_SPARK      1 to also run Spark 3.5's JDBC source in local[BENCH_PARALLEL] to Parquet zstd per run and
#                         table (io.rivet.spark.SparkJdbcBaseline, built from rivet-spark's test classes), 0 (default) not
#        BENCH_NAIVE      1 to also run a naive pgjdbc + parquet-avro exporter per run and table
#                         (io.rivet.spark.NaiveExporterBaseline, from the same test classes), 0 (default) not
# Prints one line per command and a summary of medians; the raw lines also go to target/bench-e2e-<time>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
pg=${BENCH_PG:--h 127.0.0.1 -U postgres}
jdbc=${BENCH_JDBC:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
db=${BENCH_DB:-rivet_bench}
tables=${BENCH_TABLES:-content_items events}
parallel=${BENCH_PARALLEL:-2}
java_opts=${BENCH_JAVA_OPTS:-}
tenth=${BENCH_TENTH:-1}
safe_runs=${BENCH_SAFE_RUNS:-1}
spark=${BENCH_SPARK:-0}
naive=${BENCH_NAIVE:-0}
fixtures=../shared/fixtures

# shellcheck disable=SC2086
psql_db() { psql $pg -d "$db" -v ON_ERROR_STOP=1 -qAt "$@"; }

# shellcheck disable=SC2086
if ! psql $pg -d postgres -Atc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
  psql $pg -d postgres -qc "create database $db"
fi
for t in $tables; do
  if [ "$(psql_db -c "select to_regclass('$t') is not null")" != "t" ]; then
    echo "loading fixture $t into $db (takes a while)..." >&2
    psql_db -f "$fixtures/pg_$t.sql"
    psql_db -c "vacuum (freeze, analyze) $t"
  fi
  if [ "$tenth" = 1 ] && [ "$(psql_db -c "select to_regclass('${t}_tenth') is not null")" != "t" ]; then
    echo "creating ${t}_tenth (the first tenth of $t's ids)..." >&2
    psql_db -c "create table ${t}_tenth as select * from $t where id <= (select max(id) / 10 from $t)"
    psql_db -c "alter table ${t}_tenth add primary key (id)"
    psql_db -c "vacuum (freeze, analyze) ${t}_tenth"
  fi
done

jar=rivet-cli/target/rivet.jar
bench=rivet-bench/target/benchmarks.jar
[ -f "$jar" ] && [ -f "$bench" ] || mvn -B -q -ntp package -DskipTests

spark_cp=target/spark-cp.txt
if [ "$spark" = 1 ] || [ "$naive" = 1 ]; then
  mkdir -p target
  [ -f rivet-spark/target/test-classes/io/rivet/spark/NaiveExporterBaseline.class ] && [ -f "$spark_cp" ] ||
    mvn -B -q -ntp test-compile dependency:build-classpath -pl rivet-spark -am -Dmdep.includeScope=test \
      -Dmdep.outputFile="$PWD/$spark_cp"
fi
# What Spark needs opened on JDK 17: the same options rivet-spark's pom gives its tests (one list, kept there).
spark_opens=$(sed -n 's/.*<spark.opens>\(.*\)<\/spark.opens>.*/\1/p' rivet-spark/pom.xml)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p target
log=target/bench-e2e-$(date -u +%Y%m%dT%H%M%SZ).txt

# config <table> <profile>: a chunked export with default chunk size to Parquet zstd
config() {
  cat > "$work/rivet.yaml" <<YAML
source:
  type: postgres
  url: "jdbc:postgresql://127.0.0.1:5432/$db?user=postgres&ApplicationName=rivet-bench"
exports:
  - name: bench
    table: $1
    mode: chunked
    parallel: $parallel
    format: parquet
    compression: zstd
    destination: {type: local, path: ./out}
    tuning: {profile: $2}
YAML
}

# sample <command...>: runs the command under /usr/bin/time with the activity sampler around it
sample() {
  rm -f "$work/act.txt" "$work/act.txt.ready" "$work/act.txt.stop"
  # Only this benchmark's sessions count (application_name rivet-bench*), not other users of the server.
  java -cp "$bench" io.rivet.bench.macro.PgActivitySampler "$jdbc" "$db" "$work/act.txt" 10 rivet-bench &
  local sampler=$!
  while [ ! -f "$work/act.txt.ready" ]; do sleep 0.05; done
  local status=0
  /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" || status=$?
  touch "$work/act.txt.stop"
  wait "$sampler"
  return $status
}

act() { sed -n "s/^$1=//p" "$work/act.txt"; }

# report <table> <tool> <rows> <bytes>: one line from the last sample() run
report() {
  local secs kb
  read -r secs kb < "$work/time.txt"
  awk -v tb="$1" -v t="$2" -v s="$secs" -v r="$3" -v b="$4" -v kb="$kb" -v st="$(act longest_statement_s)" \
      -v tx="$(act longest_transaction_s)" -v se="$(act max_sessions)" 'BEGIN {
    printf "%-20s %-22s %8.2f s %10.0f rows/s %7.1f MB/s %6.0f MB RSS  stmt %7.3f s  xact %7.3f s  sessions %s\n",
      tb, t, s, r / s, b / 1048576 / s, kb / 1024, st, tx, se }' | tee -a "$log"
}

copy_baseline() { # <table>
  sample bash -c "PGAPPNAME=rivet-bench-copy psql $pg -d $db -qc 'COPY (SELECT * FROM $1) TO STDOUT (FORMAT binary)' | tee >(wc -c > $work/copy.bytes) > /dev/null"
  report "$1" "copy-binary" "$(psql_db -c "select count(*) from $1")" "$(cat "$work/copy.bytes")"
}

# baseline <name> <class> <args...>: runs one of rivet-spark's baseline mains under sample(); its output goes to
# $work/<name>.out and .err
baseline() {
  local name=$1; shift
  # shellcheck disable=SC2086
  if ! sample java $spark_opens -cp "rivet-spark/target/test-classes:rivet-spark/target/classes:$(cat "$spark_cp")" \
      "$@" > "$work/$name.out" 2> "$work/$name.err"; then
    tail -20 "$work/$name.err" >&2
    exit 1
  fi
}

spark_baseline() { # <table>
  rm -rf "$work/spark-out"
  baseline spark io.rivet.spark.SparkJdbcBaseline \
    "jdbc:postgresql://127.0.0.1:5432/$db?user=postgres&ApplicationName=rivet-bench-spark" "$1" "$parallel" "$work/spark-out"
  local bytes
  bytes=$(find "$work/spark-out" -name '*.parquet' -printf '%s\n' | awk '{s += $1} END {print s}')
  report "$1" "spark-jdbc-local" "$(psql_db -c "select count(*) from $1")" "$bytes"
  rm -rf "$work/spark-out"
}

naive_baseline() { # <table>
  rm -f "$work/naive.parquet"
  baseline naive io.rivet.spark.NaiveExporterBaseline \
    "jdbc:postgresql://127.0.0.1:5432/$db?user=postgres&ApplicationName=rivet-bench-naive" "$1" "$work/naive.parquet"
  report "$1" "naive-pgjdbc-avro" "$(psql_db -c "select count(*) from $1")" "$(stat -c %s "$work/naive.parquet")"
  rm -f "$work/naive.parquet"
}

rivet() { # <table> <profile>
  config "$1" "$2"
  rm -rf "$work/out" "$work/.rivet"
  # shellcheck disable=SC2086
  if ! RIVET_JAVA_OPTS="$java_opts" sample bin/rivet run -c "$work/rivet.yaml" > "$work/rivet.out" 2> "$work/rivet.err"; then
    cat "$work/rivet.err" >&2
    exit 1
  fi
  local bytes rows
  bytes=$(find "$work/out" -name '*.parquet' -printf '%s\n' | awk '{s += $1} END {print s}')
  rows=$(sed -n 's/^bench: \([0-9,]*\) rows.*/\1/p' "$work/rivet.out" | tr -d ,)
  report "$1" "rivet-$2" "$rows" "$bytes"
}

{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  $(free -g | awk '/Mem:/ {print $2}') GB  $(java -version 2>&1 | head -1)"
  echo "# $(psql $pg -d postgres -Atc 'select version()' | cut -d, -f1)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "# load before: $(uptime | sed 's/.*load average: //')"
} | tee "$log"

# The first `bin/rivet run` after a build records the launcher's class-data archive (docs/design/013-memory.md), about
# a second and some memory at exit. One unmeasured export first, so that every measured run starts as users' do.
first_table=${tables%% *}
config "$first_table" fast
# shellcheck disable=SC2086
RIVET_JAVA_OPTS="$java_opts" bin/rivet run -c "$work/rivet.yaml" > /dev/null 2>&1 ||
  echo "warm-up export of $first_table failed; the first measured run may include the archive's recording" >&2
rm -rf "$work/out" "$work/.rivet"

for i in $(seq 1 "$runs"); do
  for t in $tables; do
    copy_baseline "$t"
    rivet "$t" fast
    if [ "$spark" = 1 ]; then spark_baseline "$t"; fi
    if [ "$naive" = 1 ]; then naive_baseline "$t"; fi
  done
done
if [ "$tenth" = 1 ]; then
  for i in $(seq 1 "$runs"); do
    for t in $tables; do
      rivet "${t}_tenth" fast
    done
  done
fi
for i in $(seq 1 "$safe_runs"); do
  rivet content_items safe
done
echo "# load after: $(uptime | sed 's/.*load average: //')" | tee -a "$log"

# Medians per table and tool, and Rivet FAST against the COPY baseline of the same invocation.
echo
echo "medians ($runs runs):"
awk '!/^#/ {
  key = $1 " " $2; n[key]++; t[key, n[key]] = $3; rss[key, n[key]] = $9
  st[key] = ($13 > st[key] ? $13 : st[key]); tx[key] = ($16 > tx[key] ? $16 : tx[key]); se[key] = ($19 > se[key] ? $19 : se[key])
} END {
  for (k in n) {
    m = n[k]; for (i = 1; i <= m; i++) { a[i] = t[k, i]; b[i] = rss[k, i] }
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) { if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x } if (b[j] < b[i]) { x = b[i]; b[i] = b[j]; b[j] = x } }
    med[k] = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    mrss[k] = (m % 2) ? b[(m + 1) / 2] : (b[m / 2] + b[m / 2 + 1]) / 2
    printf "  %-36s %8.2f s  %6.0f MB RSS  longest stmt %7.3f s  longest xact %7.3f s  max sessions %s\n", k, med[k], mrss[k], st[k], tx[k], se[k]
  }
  for (k in n) {
    split(k, p, " ")
    if (p[2] == "rivet-fast" && ((p[1] " copy-binary") in med))
      printf "  %-36s %8.2fx the COPY baseline\n", p[1] " rivet-fast", med[k] / med[p[1] " copy-binary"]
    if (p[2] == "rivet-fast" && ((p[1] " naive-pgjdbc-avro") in med))
      printf "  %-36s %8.2fx faster than naive pgjdbc + parquet-avro, %.1fx less RSS\n", p[1] " rivet-fast",
        med[p[1] " naive-pgjdbc-avro"] / med[k], mrss[p[1] " naive-pgjdbc-avro"] / mrss[k]
    if (p[2] == "rivet-fast" && ((p[1] " spark-jdbc-local") in med))
      printf "  %-36s %8.2fx faster than Spark JDBC, %.1fx less RSS\n", p[1] " rivet-fast",
        med[p[1] " spark-jdbc-local"] / med[k], mrss[p[1] " spark-jdbc-local"] / mrss[k]
  }
}' "$log" | sort
echo "raw lines: $log"
