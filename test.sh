#!/usr/bin/env bash
# Runs every Ripple test. Installs what the tests need when it is missing:
# Debian's chromium for the browser tests, the npm packages of the real
# Segment and RudderStack clients for the collection integration test.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]} from Debian"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f test/clients/package.json ] && [ ! -d test/clients/node_modules ]; then
  echo "test.sh: installing the npm packages of the client integration test"
  npm ci --prefix test/clients --no-audit --no-fund --loglevel=error
fi

# The browser and client tests fail, rather than skip, when their tools are
# missing here: this script has just installed them.
export RIPPLE_REQUIRE_BROWSER=1 RIPPLE_REQUIRE_NODE=1

echo "test.sh: go vet"
go vet ./...
echo "test.sh: go test -race"
go test -race -count=1 -timeout 40m ./... "$@"
# The tests that train the sentiment model on every reference set, the
# identity accuracy test and the budget advice's re-simulation check skip
# under the race detector (minutes there); they run here without it.
echo "test.sh: sentiment training, identity accuracy and budget re-simulation tests"
go test -count=1 -run 'TestHeldOutBars|TestTrainSentimentCommand|TestAccuracy|TestResimulate' ./internal/sentiment ./cmd/ripple ./internal/identity ./internal/budget
