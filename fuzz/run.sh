#!/usr/bin/env bash
# Runs AFL++ on one parser of untrusted files through SharpFuzz, for a fixed time (not part of CI).
#   fuzz/run.sh TARGET [SECONDS] [--out-of-process]      TARGET: idx | safetensors | image | onnx; SECONDS defaults to 600
# The inputs run in one process (fast); --out-of-process runs each in a child process (slow), so that a hang or a
# process crash is recorded by AFL++ rather than stopping it (fuzz/README.md).
# Needs Debian's afl++ (apt-get install -y afl++); installs the SharpFuzz instrumentation tool into fuzz/.tools.
# Seeds come from fuzz/corpus/TARGET (python3 fuzz/make-corpus.py rewrites them); AFL++'s findings go to
# fuzz/findings/TARGET, and the last lines printed are the executions, crashes and hangs it counted.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh idx|safetensors|image|onnx [SECONDS]}
seconds=${2:-600}
mode=${3:-}
[ -z "$mode" ] || [ "$mode" = --out-of-process ] || { echo "unknown option: $mode" >&2; exit 2; }
command -v afl-fuzz > /dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 1; }

tools=.tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools"

# A fresh publish each time: instrumenting rewrites the assemblies in place, and only once.
publish=bin/$target
rm -rf "$publish"
dotnet publish ConvNet.Fuzz -c Release -o "$publish" --nologo -v quiet
for assembly in ConvNet.Core ConvNet.Datasets ConvNet.Mnist ConvNet.Onnx; do
  "$tools/sharpfuzz" "$publish/$assembly.dll"
done

# dotnet itself carries no AFL instrumentation (SharpFuzz reports coverage from inside the runtime), and the
# machine's core-dump and CPU settings are not ours to change.
# No CPU pinning: the machine is shared, and several targets may run at once.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
findings=findings/$target
rm -rf "$findings"
mkdir -p findings
# The harness writes each input to a file in a scratch folder of its own, in memory where there is /dev/shm.
memory=/dev/shm
[ -w "$memory" ] || memory=${TMPDIR:-/tmp}
scratch=$(mktemp -d "$memory/convnet-fuzz-$target.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# Tokens AFL++ cannot find by coverage (code SharpFuzz does not instrument), where the target has them.
dictionary=()
[ -f "dict/$target.dict" ] && dictionary=(-x "dict/$target.dict")
# shellcheck disable=SC2086 # $mode is empty or one word
if ! TMPDIR=$scratch afl-fuzz -V "$seconds" -t 5000 -m none "${dictionary[@]}" -i "corpus/$target" -o "$findings" -- \
  dotnet "$publish/ConvNet.Fuzz.dll" "$target" $mode > "findings/$target.log" 2>&1; then
  tail -30 "findings/$target.log" >&2
  # In one process, a hang or a process crash ends the runner and AFL++ stops: the input it was running is kept.
  if [ -f "$findings/default/.cur_input" ]; then
    cp "$findings/default/.cur_input" "$findings/aborted-input"
    echo "AFL++ stopped on $findings/aborted-input: replay it with" \
      "dotnet fuzz/$publish/ConvNet.Fuzz.dll $target < fuzz/$findings/aborted-input, or rerun with --out-of-process" >&2
  fi
  exit 1
fi

stats=$findings/default/fuzzer_stats
grep -E "^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|unique_crashes|unique_hangs) " "$stats"
