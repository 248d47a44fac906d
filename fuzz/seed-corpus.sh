#!/bin/sh
# Fills fuzz/corpus/ (ignored by git) with starting inputs for each target: the shared
# fixtures of other servers' payloads (read in place, never committed here), our own
# Markdown documents, and the signature seeds in fuzz/seeds/.
# Usage: fuzz/seed-corpus.sh [FIXTURES_DIR]   (default: ../shared/fixtures/fediverse
# beside the repository)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fixtures=${1:-$here/../../shared/fixtures/fediverse}
if [ ! -d "$fixtures" ]; then
    echo "no fixtures at $fixtures; pass their directory as the first argument" >&2
    exit 1
fi
corpus=$here/corpus
mkdir -p "$corpus/inbox_activity" "$corpus/markdown" "$corpus/signature_headers"
find "$fixtures" -name '*.json' | while read -r file; do
    name=$(echo "${file#"$fixtures"/}" | tr '/' '_')
    cp "$file" "$corpus/inbox_activity/$name"
    cp "$file" "$corpus/markdown/$name"
done
cp "$here/../README.md" "$here"/../docs/*.md "$corpus/markdown/"
cp "$here"/seeds/signature_headers/* "$corpus/signature_headers/"
for target in inbox_activity markdown signature_headers; do
    echo "$target: $(ls "$corpus/$target" | wc -l) inputs"
done
