# Sourced by tests/run.sh: starts a throwaway PostgreSQL for the case-store tests when the server is
# installed (Debian's postgresql package), exports LEGALBOT_TEST_POSTGRES and stops it on exit.
# Without PostgreSQL the PostgreSQL tests are left out and the run says so; LEGALBOT_REQUIRE_POSTGRES=1
# (set by .ci/run) makes that an error instead.

pg_start() {
  if [ -n "${LEGALBOT_TEST_POSTGRES:-}" ]; then echo "PostgreSQL tests use LEGALBOT_TEST_POSTGRES"; return 0; fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "${LEGALBOT_REQUIRE_POSTGRES:-0}" = 1 ]; then echo "PostgreSQL is required but not installed" >&2; return 1; fi
    echo "PostgreSQL not installed: PostgreSQL case-store tests left out (apt-get install postgresql to run them)"
    PG_FILTER="Category!=Postgres"
    return 0
  fi
  PG_DIR=$(mktemp -d /tmp/legalbot-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U legalbot -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  local port
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 20000))
    if "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
         -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
      PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data")
      export LEGALBOT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=legalbot;Database=postgres"
      echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started for the tests on port $port"
      return 0
    fi
  done
  cat "$PG_DIR/server.log" >&2
  return 1
}

pg_stop() {
  if [ -n "${PG_CTL:-}" ]; then "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -n "${PG_DIR:-}" ]; then rm -rf "$PG_DIR"; fi
}
