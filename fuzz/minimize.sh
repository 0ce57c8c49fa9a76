#!/usr/bin/env bash
# Replaces the AFL++ inputs in fuzz/corpus/TARGET (TARGET-NNN; make-corpus.py's seeds stay) by the queue of the last
# fuzz/run.sh TARGET, minimised by afl-cmin: the fewest inputs with the same coverage.
#   fuzz/minimize.sh TARGET      TARGET: idx | safetensors | image | onnx
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/minimize.sh idx|safetensors|image|onnx}
queue=findings/$target/default/queue
[ -d "$queue" ] && [ -d "bin/$target" ] || { echo "run fuzz/run.sh $target first" >&2; exit 1; }

# The queue holds the corpus the run started from (orig:NAME) and what AFL++ added; afl-cmin works outside /tmp.
minimised=findings/cmin-$target
rm -rf "$minimised"
memory=/dev/shm
[ -w "$memory" ] || memory=${TMPDIR:-/tmp}
scratch=$(mktemp -d "$memory/convnet-cmin-$target.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 TMPDIR=$scratch afl-cmin -i "$queue" -o "$minimised" -t 5000 -m none -- \
  "$(command -v dotnet)" "bin/$target/ConvNet.Fuzz.dll" "$target" > "findings/cmin-$target.log" 2>&1 \
  || { tail -20 "findings/cmin-$target.log" >&2; exit 1; }

find "corpus/$target" -name "$target-*" -delete
n=0
for file in "$minimised"/*; do
  name=$(basename "$file")
  # A seed (make-corpus.py's, or onnx-seeds') is there already; every other input gets a portable name (AFL++'s hold colons).
  [[ $name == *,orig:* && -f corpus/$target/${name##*,orig:} ]] && continue
  cp "$file" "corpus/$target/$(printf '%s-%03d' "$target" "$n")"
  n=$((n + 1))
done
echo "corpus/$target: $(find "corpus/$target" -type f | wc -l) files, $(cat "corpus/$target"/* | wc -c) bytes"
