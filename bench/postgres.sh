# Sourced by bench/http.sh with ENGINE=postgres: a PostgreSQL copy of a generated data
# folder, on a cluster of the bench's own (.ci/postgres.sh, in <target>/bench-pg: the test
# cluster's settings, so no fsync; the benches read, and the copy is thrown away).
#
#   postgres_copy <scratch data dir> <database name>
#
# Creates the database afresh and fills it with `server migrate-data` (batched inserts in
# one transaction, counts checked), then ANALYZE; prints how long the copy took and sets
# `database_url`. The caller runs postgres_stop at the end.
# Absolute: PostgreSQL resolves a relative socket folder against its data folder.
export SHUTTER_PG_DIR=${SHUTTER_PG_DIR:-$(cd "$target" && pwd)/bench-pg}

postgres_copy() {
    local dir=$1 name=$2 started=$SECONDS
    bash .ci/postgres.sh start
    local admin
    admin=$(bash .ci/postgres.sh env)
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
    database_url=${admin%/postgres}/$name
    "$server" --data-dir "$dir" --log warn migrate-data --to-database "$database_url" >/dev/null
    psql -q "$database_url" -c "ANALYZE"
    printf '   copied into PostgreSQL (%s) in %d s: %s\n' "$name" "$((SECONDS - started))" \
        "$(psql -At "$database_url" -c "SELECT pg_size_pretty(pg_database_size('$name'))")"
}

postgres_stop() {
    bash .ci/postgres.sh stop
}
