# Sourced by ./test and ./run: builds with the whole MSBuild log in a file and one summary line
# on the console, plus the errors themselves when there are any. The warnings left in the log
# are NU1603 from the Functions SDK's generated extension projects
# (obj/.../WorkerExtensions/WorkerExtensions.csproj), which Directory.Packages.props cannot pin.
#   build_quietly <log file> <dotnet build arguments...>
build_quietly() {
  local log=$1 started=$SECONDS status=0
  shift
  mkdir -p "$(dirname "$log")"
  dotnet build "$@" -nologo -v:quiet -clp:NoSummary "-flp:LogFile=$log;Verbosity=normal" >/dev/null 2>&1 || status=$?
  local errors warnings generated
  errors=$(diagnostics "$log" error | wc -l)
  warnings=$(diagnostics "$log" warning | wc -l)
  generated=$(diagnostics "$log" warning | grep -F 'WorkerExtensions.csproj' | grep -cF 'NU1603' || true)
  if (( status != 0 )); then
    diagnostics "$log" error
    (( errors > 0 )) || tail -n 20 "$log"
  fi
  local note=""
  (( generated > 0 )) && note=" (${generated} NU1603 in the Functions SDK's generated extension projects)"
  echo "build: ${errors} errors, ${warnings} warnings${note} in $(( SECONDS - started ))s; log: ${log}"
  return "$status"
}

# Each distinct warning or error once: the log repeats them, indented, in its closing summary.
diagnostics() {
  { grep -E ": $2 [A-Z]+[0-9]+" "$1" || true; } | sed -E 's/^[[:space:]]*([0-9]+>)?//' | sort -u
}
