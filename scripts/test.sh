#!/bin/bash
# scripts/test.sh — the project's test command; see tests/run --help.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../tests/run" "$@"
