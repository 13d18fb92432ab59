#!/usr/bin/env bash
# The whole test suite: unit, store tests on SQLite AND PostgreSQL, API,
# browser tests. Usage: bash scripts/test.sh  (extra args go to `go test`).
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL for the store tests (default DSN below; override XINYONG_TEST_PG).
export XINYONG_TEST_PG="${XINYONG_TEST_PG:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not answering at 127.0.0.1:5432; CI requires it." >&2
    exit 1
  fi
  echo "!!! PostgreSQL is not answering: its tests will be SKIPPED !!!" >&2
fi

# Headless Chromium and CJK fonts for the browser tests (Debian packages).
if ! command -v chromium >/dev/null 2>&1 || ! (fc-list 2>/dev/null | grep -ci 'Noto Sans CJK' >/dev/null); then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium and fonts-noto-cjk for the browser tests…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
fi
export XINYONG_CHROMIUM="${XINYONG_CHROMIUM:-$(command -v chromium || true)}"

gofmt_out=$(gofmt -l cmd internal)
if [ -n "$gofmt_out" ]; then echo "gofmt needed: $gofmt_out" >&2; exit 1; fi
go vet ./...
go test -race -count=1 -timeout 30m "$@" ./...
