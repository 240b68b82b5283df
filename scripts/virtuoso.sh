#!/usr/bin/env bash
# A private, loopback-only Virtuoso for development, tests and benchmarks (no systemd, no system instance).
#
#   scripts/virtuoso.sh install          apt-get install virtuoso-opensource (noninteractive) if virtuoso-t is missing
#   scripts/virtuoso.sh start            start (creating the database on first use), wait until isql and /sparql answer
#   scripts/virtuoso.sh load FILE [GRAPH]  bulk-load an RDF file (ld_dir + rdf_loader_run) into GRAPH
#   scripts/virtuoso.sh stop             isql shutdown, then kill by PID if it is still alive
#   scripts/virtuoso.sh status           exit 0 and print the PID if the server answers
#
# Environment: VDIR (database directory, default .cache/virtuoso in the repo), ISQL_PORT (1111), HTTP_PORT (8890),
# KG_STORE_PASSWORD (the dba password; default: a random one kept in $VDIR/dba-password, mode 600),
# NUMBER_OF_BUFFERS (8 KiB cache pages, 170000), RESULT_SET_MAX_ROWS (100000; keep it above the app's max_rows).
# A fresh database has dba/dba; the first start changes it at once (reference/virtuoso.md, "Security findings").
# Anonymous /sparql is read-only; writes go through /sparql-auth or /sparql-graph-crud-auth (HTTP digest) or isql.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VDIR=${VDIR:-$REPO/.cache/virtuoso}
VDIR=$(realpath -m "$VDIR")
DB=$VDIR/db
INI=$VDIR/virtuoso.ini
PIDFILE=$VDIR/virtuoso.pid
PWFILE=$VDIR/dba-password
ISQL_PORT=${ISQL_PORT:-1111}
HTTP_PORT=${HTTP_PORT:-8890}
GRAPH_DEFAULT=https://example.org/dalian-kg/data/bulk

dba_password() {
  if [ -n "${KG_STORE_PASSWORD:-}" ]; then
    # it is spliced into isql statements: letters, digits and . _ - only
    [[ $KG_STORE_PASSWORD =~ ^[A-Za-z0-9._-]+$ ]] || { echo "KG_STORE_PASSWORD: use letters, digits, . _ -" >&2; exit 1; }
    printf '%s' "$KG_STORE_PASSWORD"
  elif [ -f "$PWFILE" ]; then
    cat "$PWFILE"
  else
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > "$PWFILE")
    chmod 600 "$PWFILE"
    cat "$PWFILE"
  fi
}

isql_as() { local pw=$1; shift; isql-vt "127.0.0.1:$ISQL_PORT" dba "$pw" "$@"; }

server_pid() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_ini() {
  # Rewritten on every start so a changed port or directory takes effect; the database files are kept.
  mkdir -p "$DB" "$VDIR/load"
  cat > "$INI" <<EOF
[Database]
DatabaseFile    = $DB/virtuoso.db
ErrorLogFile    = $DB/virtuoso.log
LockFile        = $DB/virtuoso.lck
TransactionFile = $DB/virtuoso.trx
xa_persistent_file = $DB/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = $DB/virtuoso-temp.db
TransactionFile = $DB/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0

[Parameters]
ServerPort      = 127.0.0.1:$ISQL_PORT
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
O_DIRECT        = 0
CaseMode        = 2
MaxStaticCursorRows = 5000
AllowOSCalls    = 0
DirsAllowed     = ., $VDIR
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU       = 0
VADInstallDir   = /usr/share/virtuoso-opensource-7/vad/
MaxQueryMem     = 1G
VectorSize      = 1000
MaxVectorSize   = 1000000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers = ${NUMBER_OF_BUFFERS:-170000}
MaxDirtyBuffers = ${MAX_DIRTY_BUFFERS:-130000}

[HTTPServer]
ServerPort      = 127.0.0.1:$HTTP_PORT
ServerRoot      = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 20
DavRoot         = DAV
EnabledDavVSP   = 0
HTTPProxyEnabled = 0
TempASPXDir     = 0
ServerThreads   = 20
MaxKeepAlives   = 10
KeepAliveTimeout = 10
HTTPThreadSize  = 280000
Charset         = UTF-8
EnabledGzipContent = 1

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
; kg.store.remote asks for its row limit + 1 (maxrows) to detect truncation; this caps everything else (CONSTRUCT)
ResultSetMaxRows = ${RESULT_SET_MAX_ROWS:-100000}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
EOF
}

wait_ready() {  # wait_ready PASSWORD... : succeed when isql (with one of the passwords) and HTTP /sparql answer
  local t0=$1; shift
  for _ in $(seq 1 240); do
    if ! server_pid >/dev/null; then echo "virtuoso exited during start-up; log:" >&2; tail -20 "$DB/virtuoso.log" >&2; return 1; fi
    local candidate
    for candidate in "$@"; do
      if isql_as "$candidate" exec="status('');" >/dev/null 2>&1 \
         && curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/sparql?query=ASK%7B%7D"; then
        READY_PW=$candidate
        echo "virtuoso ready pid=$(cat "$PIDFILE") isql=$ISQL_PORT http=$HTTP_PORT after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
        return 0
      fi
    done
    sleep 0.25
  done
  echo "virtuoso did not become ready; log:" >&2; tail -20 "$DB/virtuoso.log" >&2; return 1
}

cmd_install() {
  if [ -x /usr/bin/virtuoso-t ]; then echo "virtuoso-t already installed"; return 0; fi
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  local preseed; preseed=$(mktemp)
  # The preseed only matters for the packaged system instance (which we do not use); never our password.
  cat > "$preseed" <<'EOF'
virtuoso-opensource-7 virtuoso-opensource-7/dba-password password ChangeMe-kg-123
virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password ChangeMe-kg-123
virtuoso-opensource-7 virtuoso-opensource-7/register-odbc-dsn boolean false
EOF
  $sudo debconf-set-selections "$preseed"; rm -f "$preseed"
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends virtuoso-opensource
  # Where no policy-rc.d blocks it, postinst starts the system daemon on 1111/8890: stop it, it is not ours.
  if [ -x /etc/init.d/virtuoso-opensource-7 ]; then $sudo /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
}

cmd_start() {
  command -v virtuoso-t >/dev/null || { echo "virtuoso-t not found: run $0 install" >&2; exit 1; }
  if pid=$(server_pid); then echo "virtuoso already running pid=$pid"; exit 0; fi
  for port in "$ISQL_PORT" "$HTTP_PORT"; do
    if port_busy "$port"; then echo "port $port is in use (a system Virtuoso?); set ISQL_PORT/HTTP_PORT" >&2; exit 1; fi
  done
  mkdir -p "$VDIR"
  local pw fresh=0; pw=$(dba_password)
  [ -f "$DB/virtuoso.db" ] || fresh=1
  write_ini
  rm -f "$DB/virtuoso.lck"
  local t0; t0=$(date +%s%N)
  ( cd "$DB" && exec virtuoso-t +configfile "$INI" +foreground ) > "$VDIR/virtuoso.stdout" 2>&1 &
  echo $! > "$PIDFILE"
  if [ "$fresh" = 1 ]; then wait_ready "$t0" dba; else wait_ready "$t0" "$pw" dba; fi
  if [ "$READY_PW" != "$pw" ]; then
    isql_as "$READY_PW" exec="SET PASSWORD dba \"$pw\"; UPDATE DB.DBA.SYS_USERS SET U_PASSWORD='$pw' WHERE U_NAME='dav'; checkpoint;" >/dev/null
    isql_as "$pw" exec="status('');" >/dev/null || { echo "changing the dba password failed" >&2; exit 1; }
    echo "dba password changed (KG_STORE_PASSWORD or $PWFILE)"
  fi
}

cmd_load() {
  local file=${1:?usage: $0 load FILE [GRAPH]} graph=${2:-${GRAPH:-$GRAPH_DEFAULT}} pw; pw=$(dba_password)
  server_pid >/dev/null || { echo "virtuoso is not running" >&2; exit 1; }
  # ld_dir only reads under DirsAllowed: stage a copy (hard link if possible) in $VDIR/load.
  local name; name=$(basename "$file")
  rm -rf "$VDIR/load"; mkdir -p "$VDIR/load"
  ln "$(readlink -f "$file")" "$VDIR/load/$name" 2>/dev/null || cp "$file" "$VDIR/load/$name"
  local t0; t0=$(date +%s%N)
  isql_as "$pw" exec="DELETE FROM DB.DBA.LOAD_LIST; ld_dir('$VDIR/load', '$name', '$graph'); rdf_loader_run(); checkpoint; SELECT ll_file, ll_state, ll_error FROM DB.DBA.LOAD_LIST;"
  rm -rf "$VDIR/load"
  echo "load $name into <$graph> took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

cmd_stop() {
  local pid; pid=$(server_pid) || { echo "virtuoso not running"; rm -f "$PIDFILE"; return 0; }
  isql_as "$(dba_password)" exec="shutdown;" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { echo "stopped $pid"; rm -f "$PIDFILE"; return 0; }
    sleep 0.25
  done
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"; echo "killed $pid"
}

cmd_status() {
  local pid; pid=$(server_pid) || { echo "virtuoso not running"; exit 1; }
  if curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/sparql?query=ASK%7B%7D"; then
    echo "virtuoso running pid=$pid isql=$ISQL_PORT http=$HTTP_PORT"
  else
    echo "virtuoso pid=$pid does not answer on http=$HTTP_PORT"; exit 1
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  load) shift; cmd_load "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 install|start|load FILE [GRAPH]|stop|status" >&2; exit 2 ;;
esac
