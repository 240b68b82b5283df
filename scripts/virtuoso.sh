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
# NUMBER_OF_BUFFERS (8 KiB cache pages, 170000), RESULT_SET_MAX_ROWS (100000; keep it above the app's max_rows),
# MAX_QUERY_MEM (MaxQueryMem, 512M), MAX_MEM_POOL_SIZE / MAX_SPARQL_MEM_POOL_SIZE (bytes a SQL / SPARQL compilation
# may use, 100000000 each), MAX_QUERY_EXECUTION_TIME (seconds, 30; keep it above kg's --timeout),
# VIRTUOSO_ALLOW_OUTBOUND=1 (start without the no-outbound confinement: a private instance on a kernel without
# Landlock network rules only, never behind a public kg).
# A fresh database has dba/dba; the first start changes it at once (reference/virtuoso.md, "Security findings").
#
# Hardening, applied at every start (README, "Security"):
# * No outbound connection, enforced by the kernel: virtuoso-t runs under Landlock (TCP connect() only to its own
#   isql port, which it connects to once at start-up) and a seccomp filter (no UDP, raw, packet, netlink or unix
#   socket, no sendmsg, no sendto with an address, no io_uring). No function, sponger, SERVICE, /proxy or bug reaches
#   another host or port. If the kernel cannot do it, start refuses and says why.
# * Anonymous /sparql is served by a gate (WS.WS."/!kgsparql/"): Virtuoso has no privilege on its built-in functions
#   (REVOKE EXECUTE ON http_get is a syntax error; bif:exec runs SQL, bif:http_get reads any URL, fn:doc and
#   bif:bif_metadata crash the server), so the gate compiles each query with Virtuoso's own compiler and lets it run
#   only if every function and table of the SQL is one Virtuoso itself uses for standard SPARQL 1.1 (learnt at start
#   from a corpus of SPARQL 1.1 queries and the repository's .rq files). DEFINE, SERVICE, updates and parameters
#   beyond query, default-graph-uri, named-graph-uri, timeout, maxrows, format get 403 or 400.
# * System graphs (virtrdf#, ldp#, localuriqaserver) are private: none of their triples is readable anonymously.
# * The SPARQL user loses SPARQL_LOAD_SERVICE_DATA; the HTTP paths kg does not use (/proxy, /URIQA, /SOAP, /DAV,
#   anonymous /sparql-graph-crud, ...) are removed. Writes go through /sparql-auth or /sparql-graph-crud-auth (HTTP
#   digest, dba) or isql, which the gate does not touch.
# * MaxQueryMem, MaxMemPoolSize, MaxSparqlMemPoolSize (compilation: a 674-byte chain of doubling CONCATs used to
#   compile into a tree of 2^20 nodes), MaxQueryExecutionTime and ResultSetMaxRows bound each query; kg passes its
#   time limit as the timeout parameter, so the store stops a query when kg gives up on it.
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
GRAPH_DEFAULT=https://w3id.org/dalian-kg/data/bulk

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
MaxQueryMem     = ${MAX_QUERY_MEM:-512M}
; compilation memory: a short query whose BINDs double an expression compiles into an exponential tree
MaxMemPoolSize  = ${MAX_MEM_POOL_SIZE:-100000000}
MaxSparqlMemPoolSize = ${MAX_SPARQL_MEM_POOL_SIZE:-100000000}
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
; kg passes its own limit as the timeout parameter (anytime answer, then S1TAT); this is the ceiling for everyone
MaxQueryExecutionTime = ${MAX_QUERY_EXECUTION_TIME:-30}
ExternalQuerySource = 0
ExternalXsltSource = 0
EOF
}

# Exec a command (virtuoso-t) so that it can accept connections but open none, except TCP to the ports given (its own:
# the server connects to itself once at start-up). Landlock (Linux >= 6.7) refuses TCP connect() to any other port;
# a seccomp filter refuses every other kind of socket (UDP, raw, packet, netlink, unix), sendmsg()/sendmmsg(),
# sendto() with a destination (TCP Fast Open) and io_uring. Both are inherited by every thread and cannot be
# lifted (no_new_privs). Usage: python3 -c "$NO_OUTBOUND_PY" PORT[,PORT...] COMMAND [ARG...]
NO_OUTBOUND_PY=$(cat <<'PY'
import ctypes, errno, os, platform, socket, struct, sys
# seccomp: socket() only for AF_INET/AF_INET6 stream sockets (no UDP, raw, packet, netlink or unix sockets),
# no sendmsg()/sendmmsg()/io_uring, sendto() only without a destination (send() on a connected socket).
ARCHES = {  # audit arch, socket, sendto, sendmsg, sendmmsg, io_uring_setup
    "x86_64": (0xC000003E, 41, 44, 46, 307, 425),
    "aarch64": (0xC00000B7, 198, 206, 211, 269, 425),
}
ALLOW, KILL, DENY = 0x7FFF0000, 0x80000000, 0x00050000 | errno.EPERM
def seccomp_program(arch):
    audit, nr_socket, nr_sendto, nr_sendmsg, nr_sendmmsg, nr_uring = ARCHES[arch]
    arg = lambda i, high=0: 16 + 8 * i + 4 * high  # args[i] in struct seccomp_data (little-endian halves)
    code = [("ld", 4), ("jeq", audit, None, "kill"), ("ld", 0), ("jge", 0x40000000, "deny", None),
            ("jeq", nr_sendmsg, "deny", None), ("jeq", nr_sendmmsg, "deny", None), ("jeq", nr_uring, "deny", None),
            ("jeq", nr_sendto, "sendto", None), ("jeq", nr_socket, "socket", None), ("ret", ALLOW),
            ("label", "sendto"), ("ld", arg(4)), ("jeq", 0, None, "deny"), ("ld", arg(4, 1)),
            ("jeq", 0, "allow", "deny"),
            ("label", "socket"), ("ld", arg(0)), ("jeq", socket.AF_INET, "type", None),
            ("jeq", socket.AF_INET6, "type", "deny"),
            ("label", "type"), ("ld", arg(1)), ("and", 0xF), ("jeq", socket.SOCK_STREAM, "allow", "deny"),
            ("label", "allow"), ("ret", ALLOW), ("label", "deny"), ("ret", DENY), ("label", "kill"), ("ret", KILL)]
    labels, index = {}, 0
    for ins in code:
        if ins[0] == "label":
            labels[ins[1]] = index
        else:
            index += 1
    out = []
    for ins in (i for i in code if i[0] != "label"):
        if ins[0] in ("jeq", "jge"):
            rel = lambda target: 0 if target is None else labels[target] - len(out) - 1
            out.append(struct.pack("HBBI", 0x15 if ins[0] == "jeq" else 0x35, rel(ins[2]), rel(ins[3]), ins[1]))
        else:
            out.append(struct.pack("HBBI", {"ld": 0x20, "and": 0x54, "ret": 0x06}[ins[0]], 0, 0, ins[1]))
    return b"".join(out)
def confine(ports):
    arch = platform.machine()
    if arch not in ARCHES:
        raise OSError(f"no filter for the {arch} architecture")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    # Landlock (ABI >= 4): TCP connect() only to the given ports (the server's own: it connects to itself at start)
    abi = libc.syscall(444, None, 0, 1)  # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    if abi < 4:
        raise OSError(f"Landlock network rules need Landlock ABI 4 (Linux 6.7), this kernel has {abi}")
    attr = struct.pack("QQ", 0, 2)  # handled_access_fs = 0, handled_access_net = LANDLOCK_ACCESS_NET_CONNECT_TCP
    ruleset = libc.syscall(444, attr, len(attr), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    for port in ports:
        rule = struct.pack("QQ", 2, port)  # allowed_access, port
        if libc.syscall(445, ruleset, 2, rule, 0) != 0:  # landlock_add_rule(LANDLOCK_RULE_NET_PORT)
            raise OSError(ctypes.get_errno(), "landlock_add_rule failed")
    if libc.syscall(446, ruleset, 0) != 0:  # landlock_restrict_self
        raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    os.close(ruleset)
    blob = seccomp_program(arch)
    buffer = ctypes.create_string_buffer(blob, len(blob))
    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    prog = Prog(len(blob) // 8, ctypes.addressof(buffer))
    if libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
    probe_port = next(p for p in range(9, 65536) if p not in ports)  # prove it: other ports and UDP are refused
    with socket.socket() as probe:
        try:
            probe.connect(("127.0.0.1", probe_port))
        except PermissionError:
            pass
        except OSError as e:
            raise OSError(f"the confinement is not effective: connect() gave {e!r}") from None
        else:
            raise OSError("the confinement is not effective: connect() succeeded")
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
        raise OSError("the confinement is not effective: a UDP socket was created")
    except PermissionError:
        pass
try:
    confine([int(p) for p in sys.argv[1].split(",") if p])
except (OSError, ValueError) as e:
    sys.exit(f"virtuoso.sh: cannot forbid outbound connections ({e}); refusing to start "
             "(VIRTUOSO_ALLOW_OUTBOUND=1 starts without, for a private instance only)")
os.execvp(sys.argv[2], sys.argv[2:])
PY
)

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

# --- hardening, run after every start as dba (idempotent) ----------------------------------------------------

# The corpus the gate learns from: standard SPARQL 1.1 (forms, patterns, paths, aggregates) and every built-in, XSD
# cast and XPath function kg's guard lets through, alone (a query with one unimplemented function teaches nothing).
# One query a line. The .rq files of the repository (queries/, src/kg/queries/), when present, are learnt too.
GATE_QUERIES=$(cat <<'RQ'
SELECT * WHERE { ?s ?p ?o }
SELECT ?s WHERE { ?s a ?t } LIMIT 10 OFFSET 5
SELECT DISTINCT ?s ?o WHERE { ?s ?p ?o } ORDER BY DESC(?s) ?o ASC(STR(?o))
SELECT REDUCED ?p WHERE { ?s ?p ?o }
ASK { ?s ?p ?o }
ASK {}
ASK WHERE { <http://example.org/a> ?p "x"@en }
ASK { VALUES ?x { 1 } FILTER(?x = 2) }
CONSTRUCT { ?s ?p ?o . ?o a <http://example.org/T> } WHERE { ?s ?p ?o } LIMIT 3
CONSTRUCT WHERE { ?s ?p ?o }
CONSTRUCT { ?s <http://example.org/n> ?n } WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }
DESCRIBE <http://example.org/a>
DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 2
DESCRIBE <http://example.org/a> <http://example.org/b>
SELECT * FROM <http://example.org/g> FROM NAMED <http://example.org/h> WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }
SELECT * WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } }
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g HAVING (COUNT(*) > 1) ORDER BY DESC(?n)
SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }
SELECT ?p (SUM(?o) AS ?n) (SUM(DISTINCT ?o) AS ?d) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (AVG(?o) AS ?n) (AVG(DISTINCT ?o) AS ?d) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (MIN(?o) AS ?n) (MAX(?o) AS ?m) (MAX(STR(?o)) AS ?x) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (SAMPLE(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (GROUP_CONCAT(STR(?o); separator=", ") AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (GROUP_CONCAT(DISTINCT ?o; SEPARATOR="|") AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (GROUP_CONCAT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p
SELECT ?p (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?n
SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r FILTER(?r != 1) } }
SELECT * WHERE { ?s ?p ?o MINUS { ?s a ?t } }
SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s ?p2 ?o } FILTER EXISTS { ?s ?p ?o } }
SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = "en") } }
SELECT * WHERE { VALUES (?x ?y) { (1 "a") (UNDEF <http://example.org/b>) } ?s ?p ?x }
SELECT * WHERE { VALUES ?s { <http://example.org/a> <http://example.org/b> } ?s ?p ?o }
SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://example.org/a> }
SELECT * WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } FILTER(?n > 2) }
SELECT * WHERE { ?s <http://example.org/p>/<http://example.org/q>* ?o }
SELECT * WHERE { ?s ^<http://example.org/r>|<http://example.org/t>+ ?o }
SELECT * WHERE { ?s !(<http://example.org/u>|^<http://example.org/v>) ?o }
SELECT * WHERE { ?s <http://example.org/x>? ?o }
SELECT * WHERE { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }
SELECT * WHERE { ?s (<http://example.org/p>|<http://example.org/q>)+ ?o }
SELECT * WHERE { ?s !<http://example.org/p> ?o }
SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://example.org/a> || ?o = 1 || ?o = 1.5 || ?o = 1e3 || ?o = true || ?o = "x"@zh || ?o = "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }
SELECT * WHERE { ?s ?p ?o FILTER(?o > "2020-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>) }
SELECT * WHERE { ?s ?p [ ?q ?r ] . ?s ?p ( 1 2 ) }
SELECT * WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) BIND(CONCAT(?x, ?x) AS ?y) FILTER(STRLEN(?y) > 2) }
SELECT ?s ?n WHERE { ?s ?p ?o BIND(IF(isNUMERIC(?o), ?o * 100 / 3, 0) AS ?n) FILTER(?n >= 0) } ORDER BY DESC(?n) LIMIT 10
SELECT * WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "http://example.org/")) FILTER(REGEX(STR(?o), "a", "i")) } ORDER BY LCASE(STR(?o)) LIMIT 100
SELECT ?s (SAMPLE(?l) AS ?label) WHERE { ?s ?p ?o OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } } GROUP BY ?s
BASE <http://example.org/> PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s <p> ex:o ; a ex:T } ORDER BY ?s LIMIT 5
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?s WHERE { ?s ?p ?o FILTER(xsd:integer(?o) > 1 && DATATYPE(?o) = xsd:integer) } ORDER BY DESC(xsd:double(?o))
SELECT * WHERE { VALUES (?s ?l) { (<http://example.org/a> "大连市"@zh) } ?s ?p ?l }
SELECT * WHERE { VALUES ?l { "大连" "é" } ?s ?p ?l }
SELECT * WHERE { ?s ?p "大连市"@zh . ?s ?q "é" }
SELECT * WHERE { ?s ?p ?o FILTER(?o = "大连" || CONTAINS(?o, "市") || LANGMATCHES(LANG(?o), "zh")) }
SELECT ("大连" AS ?x) (CONCAT("大", ?o) AS ?y) (STRLEN("é") AS ?z) WHERE { ?s ?p ?o }
SELECT * WHERE { <http://example.org/é> ?p ?o }
SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }
SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "http://example.org/")) } ORDER BY ?g
SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?t } } GROUP BY ?g ORDER BY ?g
SELECT DISTINCT ?t WHERE { ?s a ?t } ORDER BY ?t
SELECT DISTINCT ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }
SELECT ?s WHERE { ?s ?p ?o FILTER(?s = <http://example.org/a> && ?p != <http://example.org/b>) }
SELECT ?s (STR(?s) AS ?x) (STR(?p) AS ?y) (STR(?g) AS ?z) WHERE { GRAPH ?g { ?s ?p ?o } }
SELECT * WHERE { ?s ?p ?o . ?o ?q ?r . OPTIONAL { ?r ?u ?v } } ORDER BY ?s ?o LIMIT 10 OFFSET 10
SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s WHERE { ?s ?p ?o } } }
RQ
)
# Expressions, each learnt in a projection, a FILTER and a BIND over ?s ?p ?o, and where it has one, on constants.
GATE_EXPRESSIONS=$(cat <<'RQ'
STR(?o)
LANG(?o)
LANGMATCHES(LANG(?o), "en")
LANGMATCHES(LANG(?o), "*")
DATATYPE(?o)
BOUND(?o)
IRI(?o)
URI(STR(?s))
BNODE()
BNODE(STR(?o))
RAND()
ABS(?o)
CEIL(?o)
FLOOR(?o)
ROUND(?o)
CONCAT(?o, "x", STR(?s))
CONCAT(?o)
STRLEN(?o)
SUBSTR(?o, 2)
SUBSTR(?o, 1, 3)
UCASE(?o)
LCASE(?o)
ENCODE_FOR_URI(?o)
CONTAINS(?o, "a")
STRSTARTS(?o, "a")
STRENDS(?o, "a")
STRBEFORE(?o, "a")
STRAFTER(?o, "a")
YEAR(?o)
MONTH(?o)
DAY(?o)
HOURS(?o)
MINUTES(?o)
SECONDS(?o)
TIMEZONE(?o)
TZ(?o)
NOW()
UUID()
STRUUID()
MD5(?o)
SHA1(?o)
SHA256(?o)
SHA384(?o)
SHA512(?o)
COALESCE(?x, ?o, 1)
IF(?o > 1, "a", "b")
STRLANG(STR(?o), "en")
STRDT(STR(?o), <http://www.w3.org/2001/XMLSchema#string>)
sameTerm(?s, ?o)
isIRI(?o)
isURI(?o)
isBLANK(?o)
isLITERAL(?o)
isNUMERIC(?o)
REGEX(?o, "^a.*b", "i")
REGEX(STR(?o), "x")
REPLACE(?o, "a", "b")
REPLACE(?o, "a(b)", "x", "i")
?o + 1
?o - 1
?o * 2
?o / 2
-?o
+?o
?o = 1
?o != "a"
?o < 1
?o > 1.5
?o <= 1
?o >= 1
?o = ?s
?o && ?s
?o || ?s
!?o
?o IN (1, 2, "x")
?o NOT IN (1)
EXISTS { ?o ?q ?r }
NOT EXISTS { ?o ?q ?r }
STR("a")
STRLEN("abc")
CONCAT("a", "b")
UCASE("a"@en)
LCASE("A")
1 + 2
ABS(-1.5)
LANG("a"@en)
DATATYPE(1)
IRI("http://example.org/a")
REGEX("abc", "b")
SUBSTR("abc", 2, 1)
YEAR(NOW())
STRDT("1", <http://www.w3.org/2001/XMLSchema#integer>)
STRLANG("a", "en")
MD5("a")
SHA1("a")
SHA256("a")
REPLACE("abc", "b", "x")
ENCODE_FOR_URI("a b")
STRBEFORE("abc", "b")
STRAFTER("abc", "b")
STRSTARTS("abc", "a")
ROUND(2.5)
CEIL(2.5)
FLOOR(2.5)
COALESCE(1, 2)
IF(true, 1, 2)
CONTAINS("abc", "b")
<http://www.w3.org/2001/XMLSchema#string>(?o)
<http://www.w3.org/2001/XMLSchema#integer>(?o)
<http://www.w3.org/2001/XMLSchema#decimal>(?o)
<http://www.w3.org/2001/XMLSchema#double>(?o)
<http://www.w3.org/2001/XMLSchema#float>(?o)
<http://www.w3.org/2001/XMLSchema#boolean>(?o)
<http://www.w3.org/2001/XMLSchema#dateTime>(?o)
<http://www.w3.org/2001/XMLSchema#date>(?o)
<http://www.w3.org/2001/XMLSchema#int>(?o)
<http://www.w3.org/2001/XMLSchema#long>(?o)
<http://www.w3.org/2001/XMLSchema#integer>("1")
<http://www.w3.org/2001/XMLSchema#decimal>("1.5")
<http://www.w3.org/2001/XMLSchema#double>("1")
<http://www.w3.org/2001/XMLSchema#string>(1)
<http://www.w3.org/2001/XMLSchema#dateTime>("2020-01-01T00:00:00Z")
<http://www.w3.org/2001/XMLSchema#boolean>("true")
<http://www.w3.org/2005/xpath-functions#concat>(?o, "a")
<http://www.w3.org/2005/xpath-functions#string-length>(?o)
<http://www.w3.org/2005/xpath-functions#upper-case>(?o)
<http://www.w3.org/2005/xpath-functions#lower-case>(?o)
<http://www.w3.org/2005/xpath-functions#substring>(?o, 1, 2)
<http://www.w3.org/2005/xpath-functions#contains>(?o, "a")
<http://www.w3.org/2005/xpath-functions#starts-with>(?o, "a")
<http://www.w3.org/2005/xpath-functions#ends-with>(?o, "a")
<http://www.w3.org/2005/xpath-functions#substring-before>(?o, "a")
<http://www.w3.org/2005/xpath-functions#substring-after>(?o, "a")
<http://www.w3.org/2005/xpath-functions#normalize-space>(?o)
<http://www.w3.org/2005/xpath-functions#abs>(?o)
<http://www.w3.org/2005/xpath-functions#ceiling>(?o)
<http://www.w3.org/2005/xpath-functions#floor>(?o)
<http://www.w3.org/2005/xpath-functions#round>(?o)
<http://www.w3.org/2005/xpath-functions#not>(?o)
<http://www.w3.org/2005/xpath-functions#number>(?o)
<http://www.w3.org/2005/xpath-functions#replace>(?o, "a", "b")
<http://www.w3.org/2005/xpath-functions#matches>(?o, "a")
<http://www.w3.org/2005/xpath-functions#translate>(?o, "a", "b")
<http://www.w3.org/2005/xpath-functions#string-join>(?o, ",")
<http://www.w3.org/2005/xpath-functions#encode-for-uri>(?o)
<http://www.w3.org/2005/xpath-functions#year-from-dateTime>(?o)
<http://www.w3.org/2005/xpath-functions/math#pi>()
<http://www.w3.org/2005/xpath-functions/math#sqrt>(?o)
<http://www.w3.org/2005/xpath-functions/math#pow>(?o, 2)
<http://www.w3.org/2005/xpath-functions/math#exp>(?o)
<http://www.w3.org/2005/xpath-functions/math#log>(?o)
<http://www.w3.org/2005/xpath-functions/math#log10>(?o)
<http://www.w3.org/2005/xpath-functions/math#sin>(?o)
<http://www.w3.org/2005/xpath-functions/math#cos>(?o)
RQ
)

harden_sql() {  # the SQL run by harden (dba, every start): procedures first, then calls
  cat <<'SQL'
-- 1. Graphs: the store's system graphs are private; nobody (and so SPARQL) reads every other graph, no private one.
create procedure DB.DBA.KG_HARDEN_GRAPHS ()
{
  declare grp varchar;
  declare graphs any;
  grp := 'http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs';
  if (not exists (select 1 from DB.DBA.RDF_GRAPH_GROUP where RGG_IRI = grp))
    DB.DBA.RDF_GRAPH_GROUP_CREATE (grp, 1);
  graphs := vector ('http://www.openlinksw.com/schemas/virtrdf#', 'http://www.w3.org/ns/ldp#',
    'http://localuriqaserver/sparql');
  for (sparql select distinct ?g where { graph ?g { ?s ?p ?o } }) do  -- from the graph list: fast on any size
    if ("g" like 'http://www.openlinksw.com/%' or "g" like 'http://www.w3.org/ns/ldp#%'
        or "g" like 'http://localuriqaserver/%' or "g" like 'http://localhost:8890/%' or "g" like 'urn:%'
        or "g" like 'virtrdf:%')
      graphs := vector_concat (graphs, vector ("g"));
  foreach (varchar g in graphs) do
    if (not exists (select 1 from DB.DBA.RDF_GRAPH_GROUP_MEMBER
        where RGGM_GROUP_IID = iri_to_id (grp) and RGGM_MEMBER_IID = iri_to_id (g)))
      DB.DBA.RDF_GRAPH_GROUP_INS (grp, g);
  -- the SPARQL user (a disabled account, so it takes no settings of its own) follows nobody's defaults
  DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
  DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);
}
;

-- 2. The SPARQL user reads only: no loading of service descriptions (an outbound request), no sponging, no updates.
create procedure DB.DBA.KG_HARDEN_ROLES ()
{
  -- REVOKE answers an error when the role is not held (U0014); on a fresh database SPARQL_SELECT's grant of
  -- SPARQL_LOAD_SERVICE_DATA is only listed, not loaded, until the next start, when this revokes it
  declare st, msg varchar;
  foreach (varchar grantee in vector ('SPARQL', 'SPARQL_SELECT', 'nobody')) do
    foreach (varchar r in vector ('SPARQL_LOAD_SERVICE_DATA', 'SPARQL_SPONGE', 'SPARQL_UPDATE')) do
      exec (sprintf ('REVOKE "%s" FROM "%s"', r, grantee), st, msg);
}
;

-- 3. HTTP paths: only /sparql (through the gate), /sparql-auth and /sparql-graph-crud-auth (digest, for loading).
create procedure DB.DBA.KG_HARDEN_PATHS ()
{
  declare doomed any;
  doomed := vector ();
  for (select HP_HOST as h, HP_LISTEN_HOST as l, HP_LPATH as p from DB.DBA.HTTP_PATH
       where HP_LPATH not in ('/sparql', '/sparql-auth', '/sparql-graph-crud-auth')) do
    doomed := vector_concat (doomed, vector (vector (h, l, p)));
  foreach (any d in doomed) do
    {  -- not VHOST_REMOVE: it only finds the paths whose host is the server's address, not the packaged *ini* ones
      delete from DB.DBA.HTTP_PATH where HP_HOST = d[0] and HP_LISTEN_HOST = d[1] and HP_LPATH = d[2];
      http_map_del (d[2], d[0], d[1]);
    }
  -- /sparql runs WS.WS."/!kgsparql/" (below), a procedure, not a VSP page compiled from a file
  registry_set ('/!kgsparql/', 'no_vsp_recompile');
  if (not exists (select 1 from DB.DBA.HTTP_PATH where HP_LPATH = '/sparql' and HP_PPATH = '/!kgsparql/'))
    {
      DB.DBA.VHOST_REMOVE (lpath=>'/sparql');
      DB.DBA.VHOST_DEFINE (lpath=>'/sparql', ppath=>'/!kgsparql/', is_dav=>1, vsp_user=>'dba',
        opts=>vector ('noinherit', 1));
    }
}
;

-- 4. The gate. Virtuoso has no privilege on its built-in functions (bif:exec, bif:http_get, bif:file_stat run for
-- anyone, some crash the server), so the public endpoint lets through only queries whose translation calls nothing
-- beyond what Virtuoso itself uses for standard SPARQL: the allow-list is learnt from a corpus at every start.
create procedure DB.DBA.KG_GATE_TABLE ()
{
  -- the allow-list, and the SHA-256 of queries that passed (a repeated query is not compiled twice)
  if (not exists (select 1 from DB.DBA.SYS_KEYS where KEY_TABLE = 'DB.DBA.KG_GATE_ALLOWED'))
    exec ('create table DB.DBA.KG_GATE_ALLOWED (NAME varchar primary key)');
  if (not exists (select 1 from DB.DBA.SYS_KEYS where KEY_TABLE = 'DB.DBA.KG_GATE_PASSED'))
    exec ('create table DB.DBA.KG_GATE_PASSED (QHASH varchar primary key)');
}
;
DB.DBA.KG_GATE_TABLE ();

create procedure DB.DBA.KG_GATE_CALLS (in sqltext any)
{
  -- Every function or procedure the SQL calls, as the SQL lexer reads it: a (dotted, quoted or not) name then '(';
  -- xpath_funcall ('<function IRI>', ...) counts as XPATH_FUNCALL <function IRI> (it dispatches on that string);
  -- every other qualified name (DB.DBA.RDF_QUAD) as TABLE <name>.
  declare lex, calls any;
  declare i, j, n, t_name, t_string int;
  declare name varchar;
  t_name := aref (aref (sql_lex_analyze ('x'), 0), 2);
  t_string := aref (aref (sql_lex_analyze ('''x'''), 0), 2);
  if (__tag (sqltext) = 185)  -- a string session
    sqltext := string_output_string (sqltext);
  lex := sql_lex_analyze (sqltext);
  n := length (lex);
  calls := vector ();
  i := 0;
  while (i < n)
    {
      if (lex[i][2] = t_name and i + 1 < n and (lex[i + 1][1] = '(' or lex[i + 1][1] = '.'))
        {
          name := DB.DBA.KG_GATE_UNQUOTE (lex[i][1]);
          j := i + 1;
          while (j + 1 < n and lex[j][1] = '.' and lex[j + 1][2] = t_name)
            {
              name := name || '.' || DB.DBA.KG_GATE_UNQUOTE (lex[j + 1][1]);
              j := j + 2;
            }
          if (j < n and lex[j][1] = '(')
            {
              name := upper (name);
              if (name = 'XPATH_FUNCALL')
                name := name || ' ' || case when j + 1 < n and lex[j + 1][2] = t_string then lex[j + 1][1] else '?' end;
              calls := vector_concat (calls, vector (name));
            }
          else if (j - i >= 5)  -- a qualified three-part name that is not called: a table, view or procedure view
            calls := vector_concat (calls, vector ('TABLE ' || upper (name)));
          i := j;
        }
      else
        i := i + 1;
    }
  return calls;
}
;

create procedure DB.DBA.KG_GATE_UNQUOTE (in name varchar)
{
  if (length (name) > 1 and name[0] = 34)
    return replace (subseq (name, 1, length (name) - 1), '""', '"');
  return name;
}
;

create procedure DB.DBA.KG_GATE_KEYWORD_TYPE (in sample varchar, in keyword varchar)
{
  -- the lexeme type of a keyword (as opposed to a string or a name with the same letters)
  declare lexemes any;
  lexemes := sparql_lex_analyze (sample);
  foreach (any lexeme in lexemes) do
    if (length (lexeme) > 3 and isstring (lexeme[2]) and upper (lexeme[2]) = keyword)
      return lexeme[3];
  return -1;
}
;

create procedure DB.DBA.KG_GATE_KEYWORDS (in q varchar)
{
  -- NULL, or why the query's keywords (as Virtuoso's SPARQL lexer reads them) are refused
  -- (foreach evaluates its vector expression again at every step: evaluate it once, into a variable)
  declare t_define, t_service int;
  declare lexemes any;
  t_define := cast (registry_get ('kg_gate_define') as integer);  -- lexeme types, kept at start
  t_service := cast (registry_get ('kg_gate_service') as integer);
  if (not (t_define > 0 and t_service > 0))
    {
      t_define := DB.DBA.KG_GATE_KEYWORD_TYPE ('define a:b 1', 'DEFINE');
      t_service := DB.DBA.KG_GATE_KEYWORD_TYPE ('select * { service <a:b> { ?s ?p ?o } }', 'SERVICE');
    }
  lexemes := sparql_lex_analyze (q);
  foreach (any lexeme in lexemes) do
    if (length (lexeme) > 3 and lexeme[3] = t_define)
      return 'DEFINE pragmas are not allowed on the public endpoint';
    else if (length (lexeme) > 3 and lexeme[3] = t_service)
      return 'SERVICE is not allowed on the public endpoint: the store makes no outbound requests';
  return null;
}
;

create procedure DB.DBA.KG_GATE_LEARN (in q varchar)
{
  declare calls any;
  declare exit handler for sqlstate '*' { return __SQL_MESSAGE; };
  if (DB.DBA.KG_GATE_KEYWORDS (q) is not null)
    return 'skipped: the gate refuses it anyway';
  calls := DB.DBA.KG_GATE_CALLS (sparql_to_sql_text ('define sql:big-data-const 0 ' || q));
  foreach (varchar c in calls) do
    insert soft DB.DBA.KG_GATE_ALLOWED (NAME) values (c);
  return 'ok';
}
;

create procedure DB.DBA.KG_GATE_CHECK (in q varchar)
{
  -- NULL when q may run on the public endpoint, else why not; compilation errors are signalled as they are.
  declare why, h varchar;
  declare calls any;
  h := rdf_sha256_impl (q);
  if (exists (select 1 from DB.DBA.KG_GATE_PASSED where QHASH = h))
    return null;
  why := DB.DBA.KG_GATE_KEYWORDS (q);
  if (why is not null)
    return why;
  -- compiled as the endpoint will compile it (it prepends this define)
  calls := DB.DBA.KG_GATE_CALLS (sparql_to_sql_text ('define sql:big-data-const 0 ' || q));
  foreach (varchar c in calls) do
    if (not exists (select 1 from DB.DBA.KG_GATE_ALLOWED where NAME = c))
      return sprintf ('%s is not allowed on the public endpoint (not used by SPARQL 1.1)', c);
  if (sequence_next ('kg_gate_passed') >= 100000)  -- bounded: start again
    {
      delete from DB.DBA.KG_GATE_PASSED;
      sequence_set ('kg_gate_passed', 0, 0);
    }
  insert soft DB.DBA.KG_GATE_PASSED (QHASH) values (h);
  commit work;
  return null;
}
;

create procedure DB.DBA.KG_GATE_REPLY (in status integer, in msg varchar)
{
  http_rewrite ();
  http_request_status (sprintf ('HTTP/1.1 %d %s', status, case status when 403 then 'Forbidden'
    when 405 then 'Method Not Allowed' when 415 then 'Unsupported Media Type' else 'Bad Request' end));
  http_header ('Content-Type: text/plain; charset=UTF-8\r\nCache-Control: no-store\r\n');
  http (msg);
  http ('\n');
}
;

create procedure WS.WS."/!kgsparql/" (inout path varchar, inout params any, inout lines any)
{
  declare i, queries integer;
  declare q, why, method, ctype varchar;
  method := http_request_get ('REQUEST_METHOD');
  ctype := lower (http_request_header (lines, 'Content-Type', null, ''));
  if (method not in ('GET', 'POST'))
    { DB.DBA.KG_GATE_REPLY (405, 'Virtuoso 42000 Error KG405: only GET and POST are accepted here'); return; }
  if (method = 'POST' and ctype not like 'application/x-www-form-urlencoded%')
    { DB.DBA.KG_GATE_REPLY (415, 'Virtuoso 42000 Error KG415: POST the query as application/x-www-form-urlencoded'); return; }
  if (http_request_header (lines, 'SOAPAction', null, null) is not null)
    { DB.DBA.KG_GATE_REPLY (415, 'Virtuoso 42000 Error KG415: SOAP is not accepted here'); return; }
  q := null;
  queries := 0;
  for (i := 0; i < length (params); i := i + 2)
    {
      if (params[i] = 'query')
        { q := params[i + 1]; queries := queries + 1; }
      else if (params[i] in ('default-graph-uri', 'named-graph-uri'))
        {
          if (not isstring (params[i + 1]) or regexp_match ('[<>"{}|^`\\\\[:space:][:cntrl:]]', params[i + 1]) is not null)
            { DB.DBA.KG_GATE_REPLY (400, 'Virtuoso 22023 Error KG400: ' || params[i] || ' is not an IRI'); return; }
        }
      else if (params[i] = 'timeout')
        {  -- the endpoint ignores a timeout under one second (then only MaxQueryExecutionTime applies): round it up
          if (not isstring (params[i + 1]) or atoi (params[i + 1]) < 1000)
            aset (params, i + 1, '1000');
        }
      else if (params[i] not in ('maxrows', 'format', 'output', 'Content'))  -- Content: the raw body
        { DB.DBA.KG_GATE_REPLY (400, 'Virtuoso 22023 Error KG400: parameter ' || params[i] || ' is not accepted here'); return; }
    }
  if (queries <> 1 or not isstring (q))
    { DB.DBA.KG_GATE_REPLY (400, 'Virtuoso 22023 Error KG400: give exactly one query parameter'); return; }
  {
    declare exit handler for sqlstate '*' {
      DB.DBA.KG_GATE_REPLY (400, sprintf ('Virtuoso %s Error %s', __SQL_STATE, __SQL_MESSAGE)); return; };
    why := DB.DBA.KG_GATE_CHECK (q);
  }
  if (why is not null)
    { DB.DBA.KG_GATE_REPLY (403, 'Virtuoso 42000 Error KG403: ' || why); return; }
  WS.WS."/!sparql/" (path, params, lines);
}
;

DB.DBA.KG_HARDEN_GRAPHS ();
DB.DBA.KG_HARDEN_ROLES ();
DB.DBA.KG_HARDEN_PATHS ();
delete from DB.DBA.KG_GATE_ALLOWED;
delete from DB.DBA.KG_GATE_PASSED;
registry_set ('kg_gate_define', cast (DB.DBA.KG_GATE_KEYWORD_TYPE ('define a:b 1', 'DEFINE') as varchar));
registry_set ('kg_gate_service',
  cast (DB.DBA.KG_GATE_KEYWORD_TYPE ('select * { service <a:b> { ?s ?p ?o } }', 'SERVICE') as varchar));
SQL
}

harden() {  # harden PASSWORD: apply the SQL above, learn the gate's allow-list, check that /sparql is gated
  local pw=$1 sql=$VDIR/harden.sql out
  { harden_sql
    # base64: no SQL quoting, no isql $macros
    GATE_QUERIES=$GATE_QUERIES GATE_EXPRESSIONS=$GATE_EXPRESSIONS python3 - "$REPO" <<'PY'
import base64, glob, os, sys
queries = [q for q in os.environ["GATE_QUERIES"].splitlines() if q.strip()]
for e in (e for e in os.environ["GATE_EXPRESSIONS"].splitlines() if e.strip()):
    queries += [f"SELECT (({e}) AS ?x) WHERE {{ ?s ?p ?o }}", f"SELECT * WHERE {{ ?s ?p ?o FILTER({e}) }}",
                f"SELECT * WHERE {{ ?s ?p ?o BIND(({e}) AS ?x) }} ORDER BY ({e})", f"SELECT (({e}) AS ?x) WHERE {{}}"]
for pattern in ("queries/*.rq", "src/kg/queries/*.rq", "src/kg/queries/*/*.rq"):
    queries += [open(f, encoding="utf-8").read() for f in sorted(glob.glob(os.path.join(sys.argv[1], pattern)))]
for q in queries:
    print(f"select DB.DBA.KG_GATE_LEARN (decode_base64 ('{base64.b64encode(q.encode()).decode()}'));")
PY
    echo "select 'gate allows', count(*) from DB.DBA.KG_GATE_ALLOWED;"
    echo "checkpoint;"
  } > "$sql"
  out=$(isql_as "$pw" VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF "$sql" 2>&1) || true
  rm -f "$sql"
  if grep -q '\*\*\* Error' <<< "$out"; then
    echo "hardening failed:" >&2; grep -A2 '\*\*\* Error' <<< "$out" >&2; return 1
  fi
  local status; status=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode 'query=SELECT (<bif:exec>("checkpoint") AS ?x) {}' "http://127.0.0.1:$HTTP_PORT/sparql")
  [ "$status" = 403 ] || { echo "hardening failed: /sparql answered $status, not 403, to bif:exec" >&2; return 1; }
  echo "hardened: /sparql gated ($(grep -o 'gate allows *[0-9]*' <<< "$out" | grep -o '[0-9]*$') functions and tables), system graphs private, outbound connections $([ "${VIRTUOSO_ALLOW_OUTBOUND:-0}" = 1 ] && echo ALLOWED || echo refused)"
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
  local launcher=(python3 -c "$NO_OUTBOUND_PY" "$ISQL_PORT")
  if [ "${VIRTUOSO_ALLOW_OUTBOUND:-0}" = 1 ]; then
    launcher=(); echo "warning: VIRTUOSO_ALLOW_OUTBOUND=1: virtuoso-t may open outbound connections" >&2
  fi
  # python3 execs virtuoso-t in the same process (after installing the filter): $! is the server's PID
  ( cd "$DB" && exec "${launcher[@]}" virtuoso-t +configfile "$INI" +foreground ) > "$VDIR/virtuoso.stdout" 2>&1 &
  echo $! > "$PIDFILE"
  if [ "$fresh" = 1 ]; then wait_ready "$t0" dba; else wait_ready "$t0" "$pw" dba; fi
  if [ "$READY_PW" != "$pw" ]; then
    isql_as "$READY_PW" exec="SET PASSWORD dba \"$pw\"; UPDATE DB.DBA.SYS_USERS SET U_PASSWORD='$pw' WHERE U_NAME='dav'; checkpoint;" >/dev/null
    isql_as "$pw" exec="status('');" >/dev/null || { echo "changing the dba password failed" >&2; exit 1; }
    echo "dba password changed (KG_STORE_PASSWORD or $PWFILE)"
  fi
  harden "$pw"
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
