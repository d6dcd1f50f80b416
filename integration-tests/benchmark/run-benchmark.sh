#!/usr/bin/env bash
# The side-by-side benchmark: example-http on usertcp against the same server on kernel TCP (epoll),
# measured in one run with the same client tools, interleaved, on this machine.
#
#   sudo integration-tests/benchmark/run-benchmark.sh [--quick] [--skip-100k] [--repeats N] [--out DIR]
#
# usertcp: namespace utcp-bench-u-<pid> holds a TAP whose kernel side is 198.18.0.1/24 (plus client
# addresses 198.18.0.11-14) and the server JVM, which runs the stack on the TAP at 198.18.0.2.
# epoll: the server JVM in utcp-bench-s-<pid> listens on 198.18.1.2, joined by a veth pair to the
# client namespace utcp-bench-c-<pid> (198.18.1.1, plus 198.18.1.11-14). The clients (wrk, ab, curl,
# idle-connections.py) run as the kernel in the client-side namespace. Everything it makes is removed on
# exit, Ctrl-C and errors; it stops only the processes it started. Only 198.18.0.0/15 addresses are used.
#
# Environment:
#   USERTCP_BUILD_DIR     Maven build folder of each module (default: target), as -Dusertcp.build.dir
#   USERTCP_MAVEN_FLAGS   extra Maven flags for the build, e.g. -o to build offline
#   JAVA_HOME             the JDK for the servers (default: java on the PATH)
set -Eeuo pipefail
# Where an error stopped the script, told once on exit (the trap also runs for errors that do not stop it).
failed_at=
trap 'failed_at="line $LINENO: $BASH_COMMAND"' ERR

readonly PORT=8080
readonly U_KERNEL_ADDRESS=198.18.0.1
readonly U_STACK_ADDRESS=198.18.0.2
readonly E_CLIENT_ADDRESS=198.18.1.1
readonly E_SERVER_ADDRESS=198.18.1.2
readonly PREFIX_LENGTH=24
# Extra client addresses (host part) for the idle connections: one source gives ~64k ports.
readonly EXTRA_CLIENT_HOSTS=(11 12 13 14)
# The same JVM and thread settings for both servers. 2 GiB holds 100k idle connections on either.
readonly SERVER_HEAP=2g
readonly SERVER_THREADS=2
readonly JVM_OPTIONS=(-Xms"$SERVER_HEAP" -Xmx"$SERVER_HEAP" -XX:+UseG1GC)
# usertcp's setting that differs from its defaults, to match what kernel TCP does here: the stack's
# default connection limit (65536) is below the 100k idle connections, where the kernel's limit is the
# descriptor limit. (TCP_NODELAY is on for both: Netty's default on every socket channel.)
readonly USERTCP_PROPERTIES=(-Dusertcp.maxConnections=262144)
readonly DESCRIPTOR_LIMIT=1048576
# Descriptors a process needs besides its connections.
readonly SPARE_DESCRIPTORS=100
# Connections being opened at once over all idle clients (idle-connections.py's own default).
readonly IDLE_CONNECT_CONCURRENCY=500
readonly START_TIMEOUT_SECONDS=60
readonly STOP_TIMEOUT_SECONDS=10
readonly DRAIN_TIMEOUT_SECONDS=120
# linux/capability.h
readonly CAP_NET_ADMIN=12
readonly CAP_SYS_ADMIN=21

usage() {
    cat <<EOF
Usage: sudo integration-tests/benchmark/run-benchmark.sh [options]

Measures example-http on usertcp (through a TAP) and on kernel TCP (--transport epoll, through a veth
pair) in one run with the same clients, interleaved, and writes a Markdown table, a CSV and a PNG chart
of the ratios usertcp/epoll.

  --out DIR      where the results go (default: integration-tests/target/benchmark-<timestamp>)
  --quick        a smoke run: 2 s wrk, 2000 ab requests, 100 MB transfers, 1k and 5k idle connections
  --skip-100k    skip the 100k idle connections (the large idle count)
  --repeats N    runs of each throughput and latency measurement per transport (default 3; median)
  --help         print this help

Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN), /dev/net/tun, and the commands ip, nft, wrk, ab,
curl, python3, gnuplot, jcmd, java (17+), and Maven when the modules need building. Environment:
USERTCP_BUILD_DIR (Maven build folder, default target), USERTCP_MAVEN_FLAGS (e.g. -o), JAVA_HOME.
EOF
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_dir=$repo/integration-tests/benchmark
out_dir=
quick=false
skip_large_idle=false
repeats=3
while (($#)); do
    case $1 in
        --out) (($# >= 2)) || { echo "run-benchmark.sh: --out needs a directory" >&2; exit 2; }; out_dir=$2; shift ;;
        --out=*) out_dir=${1#--out=} ;;
        --quick) quick=true ;;
        --skip-100k) skip_large_idle=true ;;
        --repeats) (($# >= 2)) || { echo "run-benchmark.sh: --repeats needs a number" >&2; exit 2; }; repeats=$2; shift ;;
        --repeats=*) repeats=${1#--repeats=} ;;
        -h | --help) usage; exit 0 ;;
        *) echo "run-benchmark.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[[ $repeats =~ ^[1-9][0-9]?$ ]] || { echo "run-benchmark.sh: --repeats must be from 1 to 99" >&2; exit 2; }

if $quick; then
    wrk_seconds=2
    ab_requests=2000
    transfer_bytes=100000000
    idle_counts=(1000 5000)
    idle_hold_seconds=10
else
    wrk_seconds=10
    ab_requests=20000
    transfer_bytes=1000000000
    idle_counts=(10000 100000)
    idle_hold_seconds=20
fi
if $skip_large_idle; then
    idle_counts=("${idle_counts[0]}")
fi
readonly WRK_THREADS=2 WRK_CONNECTIONS=64 AB_CONCURRENCY=32 LOSS_PERCENT=10
# Every client command runs under timeout(1): these bound each one well past its normal duration.
readonly WRK_TIMEOUT=$((wrk_seconds + 30))
readonly AB_TIMEOUT=300
readonly TRANSFER_TIMEOUT=600
readonly IDLE_TIMEOUT=400

fail() {
    echo "run-benchmark.sh: $*" >&2
    exit 1
}

has_capability() {
    local effective
    effective=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
    (( (16#$effective >> $1) & 1 ))
}

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jcmd=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd

check_host() {
    if ! has_capability "$CAP_NET_ADMIN" || ! has_capability "$CAP_SYS_ADMIN"; then
        fail "needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN, to create network namespaces, a TAP device and a
veth pair (runs as uid $(id -u) without them). Run it as: sudo integration-tests/benchmark/run-benchmark.sh"
    fi
    [[ -c /dev/net/tun ]] || fail "needs /dev/net/tun for the TAP device: load the tun module (modprobe tun)"
    local command missing=()
    for command in ip nft wrk ab curl python3 gnuplot timeout "$java" "$jcmd"; do
        command -v "$command" >/dev/null || missing+=("$command")
    done
    ((${#missing[@]} == 0)) || fail "needs these commands on the PATH: ${missing[*]}
(Debian: iproute2 nftables wrk apache2-utils curl python3 gnuplot-nox openjdk-17-jdk-headless; .ci/install-packages installs them)"
    [[ -f $repo/integration-tests/tools/idle-connections.py ]] || fail "needs integration-tests/tools/idle-connections.py"
    # The epoll server holds a socket per connection: lift the descriptor limit for this shell and all it
    # starts. Without CAP_SYS_RESOURCE only the soft limit rises; the idle clients then split their
    # connections over more processes, and the epoll server cannot hold more than the limit.
    ulimit -Hn "$DESCRIPTOR_LIMIT" 2>/dev/null \
        || echo "warning: cannot raise the descriptor hard limit to $DESCRIPTOR_LIMIT; it stays $(ulimit -Hn)" >&2
    ulimit -Sn "$(ulimit -Hn)"
    descriptor_limit=$(ulimit -Sn)
    if [[ $descriptor_limit == unlimited ]]; then
        descriptor_limit=$DESCRIPTOR_LIMIT
    fi
}

check_host

# The build: as example-http/run.sh builds, but with `package` instead of `install`, so it never writes to
# the local Maven repository; the class path comes from the same reactor, pointing at this build's jars.
build_dir=${USERTCP_BUILD_DIR:-target}
read -r -a maven_flags <<<"${USERTCP_MAVEN_FLAGS:-}"
classes=$repo/example-http/$build_dir/classes
# Relative, so each module writes its own; example-http's is the server's. Written last, it stamps the build.
classpath_name=benchmark-classpath.txt
classpath_file=$repo/example-http/$build_dir/$classpath_name

build_needed() {
    [[ ! -s $classpath_file || ! -d $classes ]] && return 0
    [[ -n $(find "$repo/pom.xml" "$repo"/{codec-tcp,transport-usertcp,example-http}/{pom.xml,src/main} \
        -newer "$classpath_file" -print -quit) ]]
}

if build_needed; then
    command -v mvn >/dev/null || fail "needs Maven (mvn) to build the modules"
    echo "Building example-http and the modules it needs (mvn -DskipTests package)..."
    rm -f "$classpath_file"
    mvn -B -q -Dstyle.color=never -f "$repo/pom.xml" -Dusertcp.build.dir="$build_dir" "${maven_flags[@]}" \
        -DskipTests -pl example-http -am package dependency:build-classpath -Dmdep.includeScope=runtime \
        -Dmdep.outputFile="$build_dir/$classpath_name"
    [[ -s $classpath_file ]] || fail "the build wrote no class path to $classpath_file"
fi
classpath=$classes:$(<"$classpath_file")

out_dir=${out_dir:-$repo/integration-tests/target/benchmark-$(date +%Y%m%d-%H%M%S)}
case $(realpath -m "$out_dir")/ in
    "$repo"/*/src/*) fail "--out must not be inside a source folder: $out_dir" ;;
esac
mkdir -p "$out_dir/raw"
out_dir=$(cd "$out_dir" && pwd)
samples=$out_dir/raw/samples.tsv
metrics=$out_dir/raw/metrics.tsv
: >"$samples"
: >"$metrics"

ns_u=utcp-bench-u-$$
ns_s=utcp-bench-s-$$
ns_c=utcp-bench-c-$$
tap=utcpbu$$
veth_s=utcpbs$$
veth_c=utcpbc$$
namespaces_made=()
started_pids=()
work_dir=

# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_process() {
    local pid=$1 waited=0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && ((waited < STOP_TIMEOUT_SECONDS * 10)); do
        sleep 0.1
        ((waited++))
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# A process that has ended and been waited for: its PID may be reused, so cleanup must not signal it.
forget_pid() {
    local pid kept=()
    for pid in "${started_pids[@]}"; do
        [[ $pid == "$1" ]] || kept+=("$pid")
    done
    started_pids=("${kept[@]}")
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local status=$?
    set +e
    trap - INT TERM ERR
    if ((status != 0 && status != 130 && status != 143)) && [[ -n $failed_at ]]; then
        echo "run-benchmark.sh: stopped with status $status at $failed_at" >&2
    fi
    local pid namespace
    for pid in "${started_pids[@]}"; do
        stop_process "$pid"
    done
    [[ " ${namespaces_made[*]} " == *" $ns_u "* ]] && ip -n "$ns_u" link delete "$tap" 2>/dev/null
    for namespace in "${namespaces_made[@]}"; do
        ip netns delete "$namespace" && echo "Removed network namespace $namespace."
    done
    [[ -n $work_dir ]] && rm -rf "$work_dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

work_dir=$(mktemp -d -t utcp-bench.XXXXXX)

make_namespace() {
    local namespace=$1
    [[ -e /run/netns/$namespace ]] && fail "network namespace $namespace exists already; remove it with: ip netns delete $namespace"
    ip netns add "$namespace"
    namespaces_made+=("$namespace")
    ip -n "$namespace" link set dev lo up
    # No IPv6: the kernel would send router and listener solicitations the stack does not speak.
    ip netns exec "$namespace" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# The kernel as client: every local port for the idle connections, the same in both client namespaces.
tune_client_namespace() {
    ip netns exec "$1" sysctl -q -w net.ipv4.ip_local_port_range="1024 65535"
}

add_client_addresses() {
    local namespace=$1 device=$2 first_address=$3 host
    ip -n "$namespace" address add "$first_address/$PREFIX_LENGTH" dev "$device"
    for host in "${EXTRA_CLIENT_HOSTS[@]}"; do
        ip -n "$namespace" address add "${first_address%.*}.$host/$PREFIX_LENGTH" dev "$device"
    done
}

client_sources() {
    local first_address=$1 host
    printf ' --source %s' "$first_address"
    for host in "${EXTRA_CLIENT_HOSTS[@]}"; do
        printf ' --source %s' "${first_address%.*}.$host"
    done
}

echo "Setting up namespaces $ns_u (usertcp, TAP $tap), $ns_s and $ns_c (epoll, veth)..."
make_namespace "$ns_u"
tune_client_namespace "$ns_u"
# A persistent TAP set up before the server attaches to it by name, as example-http/run.sh does.
ip -n "$ns_u" tuntap add dev "$tap" mode tap
add_client_addresses "$ns_u" "$tap" "$U_KERNEL_ADDRESS"
ip -n "$ns_u" link set dev "$tap" up

make_namespace "$ns_s"
make_namespace "$ns_c"
tune_client_namespace "$ns_c"
ip link add "$veth_s" netns "$ns_s" type veth peer name "$veth_c" netns "$ns_c"
ip -n "$ns_s" address add "$E_SERVER_ADDRESS/$PREFIX_LENGTH" dev "$veth_s"
add_client_addresses "$ns_c" "$veth_c" "$E_CLIENT_ADDRESS"
ip -n "$ns_s" link set dev "$veth_s" up
ip -n "$ns_c" link set dev "$veth_c" up

# Per transport: the namespace the server runs in, the one its clients run in, its address, its PID.
declare -A server_ns client_ns server_address server_pid server_log client_first_address
server_ns=([usertcp]=$ns_u [epoll]=$ns_s)
client_ns=([usertcp]=$ns_u [epoll]=$ns_c)
server_address=([usertcp]=$U_STACK_ADDRESS [epoll]=$E_SERVER_ADDRESS)
client_first_address=([usertcp]=$U_KERNEL_ADDRESS [epoll]=$E_CLIENT_ADDRESS)

start_server() {
    local transport=$1 log=$out_dir/raw/server-$1.log
    local command=("$java" "${JVM_OPTIONS[@]}" -Dio.netty.machineId=02:00:c6:12:00:02)
    if [[ $transport == usertcp ]]; then
        command+=("${USERTCP_PROPERTIES[@]}")
    fi
    command+=(-cp "$classpath" io.usertcp.example.http.HttpExampleServer --transport "$transport"
        --address "${server_address[$transport]}" --port "$PORT" --threads "$SERVER_THREADS")
    if [[ $transport == usertcp ]]; then
        command+=(--device "$tap" --stack-address "$U_STACK_ADDRESS/$PREFIX_LENGTH")
    fi
    echo "${command[*]}" >"$out_dir/raw/server-$transport.command"
    ip netns exec "${server_ns[$transport]}" "${command[@]}" >"$log" 2>&1 &
    server_pid[$transport]=$!
    started_pids+=("$!")
    server_log[$transport]=$log
}

await_server() {
    local transport=$1 tenths
    for ((tenths = 0; tenths < START_TIMEOUT_SECONDS * 10; tenths++)); do
        grep -q "example-http listening on" "${server_log[$transport]}" && return 0
        kill -0 "${server_pid[$transport]}" 2>/dev/null || break
        sleep 0.1
    done
    cat "${server_log[$transport]}" >&2
    fail "the $transport server did not start listening"
}

url() {
    echo "http://${server_address[$1]}:$PORT$2"
}

in_client() {
    local transport=$1 seconds=$2
    shift 2
    timeout --kill-after=5 "$seconds" ip netns exec "${client_ns[$transport]}" "$@"
}

# define_metric KEY CHART_LABEL LABEL UNIT higher|lower AGGREGATION
define_metric() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$metrics"
}

# record KEY TRANSPORT VALUE|"failed: reason" [NOTE]
record() {
    local value=${3//[$'\t\n']/ } note=${4:-}
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$value" "${note//[$'\t\n']/ }" >>"$samples"
    printf '  %-10s %-8s %s %s\n' "$1" "$2" "$value" "$note"
}

# The last non-empty line of a client's output, as the reason it failed.
last_line() {
    grep -v '^[[:space:]]*$' "$1" | tail -n 1 | cut -c1-160 || true
}

# wrk's durations (123.45us, 1.20ms, 2.00s, 1.50m) in milliseconds.
wrk_ms() {
    awk -v d="$1" 'BEGIN {
        n = d + 0; unit = d; sub(/^[0-9.]+/, "", unit)
        factor = unit == "us" ? 0.001 : unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : -1
        if (factor < 0) exit 1
        printf "%.3f", n * factor }'
}

# measure_wrk TRANSPORT REPEAT PREFIX: keep-alive requests on /, wrk's own rate and latency percentiles.
measure_wrk() {
    local transport=$1 repeat=$2 prefix=$3 log=$out_dir/raw/$3-$1-$2.txt status=0
    in_client "$transport" "$WRK_TIMEOUT" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${wrk_seconds}s" \
        --latency "$(url "$transport" /)" >"$log" 2>&1 || status=$?
    local rate p50 p99 errors
    rate=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
    p50=$(awk '$1 == "50%" { print $2 }' "$log")
    p99=$(awk '$1 == "99%" { print $2 }' "$log")
    errors=$(grep -E 'Socket errors|Non-2xx' "$log" | tr -s ' ' | paste -sd ';' -) || true
    if ((status != 0)) || [[ -z $rate || -z $p50 || -z $p99 ]] || [[ $rate == 0.00 ]]; then
        local reason
        reason="failed: wrk exit $status: $(last_line "$log")"
        record "${prefix}_rps" "$transport" "$reason"
        [[ $prefix == wrk ]] && record wrk_p50 "$transport" "$reason" && record wrk_p99 "$transport" "$reason"
        return 0
    fi
    record "${prefix}_rps" "$transport" "$rate" "$errors"
    if [[ $prefix == wrk ]]; then
        record wrk_p50 "$transport" "$(wrk_ms "$p50")"
        record wrk_p99 "$transport" "$(wrk_ms "$p99")"
    fi
}

# A new connection per request: HTTP/1.0 without keep-alive, so the server closes after each response.
measure_ab() {
    local transport=$1 repeat=$2 log=$out_dir/raw/ab-$1-$2.txt status=0
    in_client "$transport" "$AB_TIMEOUT" ab -q -r -s 10 -n "$ab_requests" -c "$AB_CONCURRENCY" \
        "$(url "$transport" /)" >"$log" 2>&1 || status=$?
    local rate failed complete
    rate=$(awk '/^Requests per second:/ { print $4 }' "$log")
    complete=$(awk '/^Complete requests:/ { print $3 }' "$log")
    failed=$(awk '/^Failed requests:/ { print $3 }' "$log")
    if ((status != 0)) || [[ -z $rate || $complete != "$ab_requests" ]]; then
        record ab_cps "$transport" "failed: ab exit $status, $complete of $ab_requests complete: $(last_line "$log")"
    elif [[ $failed != 0 ]]; then
        local kinds
        kinds=$(grep -o '(Connect: .*)' "$log") || kinds=
        record ab_cps "$transport" "failed: $failed of $ab_requests requests failed $kinds, at $rate req/s counting them"
    else
        record ab_cps "$transport" "$rate"
    fi
}

measure_download() {
    local transport=$1 repeat=$2 log=$out_dir/raw/download-$1-$2.txt status=0
    in_client "$transport" "$TRANSFER_TIMEOUT" curl -sS -o /dev/null --max-time "$TRANSFER_TIMEOUT" \
        -w '%{http_code} %{size_download} %{speed_download}\n' "$(url "$transport" "/bytes/$transfer_bytes")" \
        >"$log" 2>&1 || status=$?
    local code size speed
    read -r code size speed < <(tail -n 1 "$log") || true
    if ((status != 0)) || [[ $code != 200 || $size != "$transfer_bytes" ]]; then
        record download "$transport" "failed: curl exit $status, HTTP ${code:-none}, ${size:-0} of $transfer_bytes bytes: $(last_line "$log")"
    else
        record download "$transport" "$(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1e6 }')"
    fi
}

# /digest consumes the body and answers with its length; a server without it gets /echo, whose
# response body (the upload again) curl discards.
upload_path() {
    local code
    code=$(in_client "$1" 20 curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --data-binary probe \
        "$(url "$1" /digest)" 2>/dev/null) || true
    [[ $code == 200 ]] && echo /digest || echo /echo
}

measure_upload() {
    local transport=$1 repeat=$2 path=$3 log=$out_dir/raw/upload-$1-$2.txt status=0
    in_client "$transport" "$TRANSFER_TIMEOUT" curl -sS -o /dev/null --max-time "$TRANSFER_TIMEOUT" -X POST \
        -H 'Content-Type: application/octet-stream' -T "$upload_file" \
        -w '%{http_code} %{size_upload} %{speed_upload}\n' "$(url "$transport" "$path")" >"$log" 2>&1 || status=$?
    local code size speed
    read -r code size speed < <(tail -n 1 "$log") || true
    if ((status != 0)) || [[ $code != 200 || $size != "$transfer_bytes" ]]; then
        record upload "$transport" "failed: curl exit $status, HTTP ${code:-none}, ${size:-0} of $transfer_bytes bytes sent: $(last_line "$log")"
    else
        record upload "$transport" "$(awk -v s="$speed" 'BEGIN { printf "%.1f", s / 1e6 }')" "via $path"
    fi
}

# Random loss on the client side, both directions: the kernel's input and output hooks in its namespace.
add_loss() {
    ip netns exec "${client_ns[$1]}" nft -f - <<EOF
table ip utcp_bench_loss {
    chain input { type filter hook input priority 0; policy accept; numgen random mod 100 < $LOSS_PERCENT drop; }
    chain output { type filter hook output priority 0; policy accept; numgen random mod 100 < $LOSS_PERCENT drop; }
}
EOF
}

remove_loss() {
    ip netns exec "${client_ns[$1]}" nft delete table ip utcp_bench_loss
}

measure_loss() {
    local transport=$1 repeat=$2
    add_loss "$transport"
    measure_wrk "$transport" "$repeat" loss
    remove_loss "$transport"
}

# After a full GC: heap in use (KiB, from GC.heap_info) and resident set (KiB), as "heap rss".
server_memory() {
    local pid=${server_pid[$1]} heap rss
    "$jcmd" "$pid" GC.run >/dev/null
    heap=$("$jcmd" "$pid" GC.heap_info | awk '/ used / { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print v; exit } }')
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    [[ $heap =~ ^[0-9]+$ && $rss =~ ^[0-9]+$ ]] || return 1
    echo "$heap $rss"
}

open_connections() {
    local line
    # The gauge in /stats, in its Prometheus or its older plain text form.
    line=$(in_client "$1" 20 curl -sS --max-time 10 "$(url "$1" /stats)" 2>/dev/null \
        | grep -E '^(usertcp_http_connections_open[{ ]|connections open:)') || return 1
    echo "${line##* }"
}

# Waits until the server holds no connection but the one asking.
await_drained() {
    local transport=$1 seconds open
    for ((seconds = 0; seconds < DRAIN_TIMEOUT_SECONDS; seconds++)); do
        open=$(open_connections "$transport") || open=unknown
        [[ $open == 1 ]] && return 0
        sleep 1
    done
    echo "  warning: $transport still reports $open open connections after $DRAIN_TIMEOUT_SECONDS s" >&2
}

# The soft descriptor limit of a running process (the JVM lifts its soft limit to the hard one).
process_descriptor_limit() {
    awk '/^Max open files/ { print $4 }' "/proc/$1/limits"
}

record_idle_failure() {
    record "heap_$1" "$2" "$3"
    record "rss_$1" "$2" "$3"
}

# Heap and RSS the server gains per idle keep-alive connection while the clients hold N of them. The
# connections are split over as many idle-connections.py processes as the descriptor limit needs; all
# of them are open at once while the server is measured.
measure_idle() {
    local transport=$1 count=$2 key=$3
    local server_limit
    server_limit=$(process_descriptor_limit "${server_pid[$transport]}")
    if [[ $transport == epoll && $server_limit =~ ^[0-9]+$ ]] && ((count + SPARE_DESCRIPTORS > server_limit)); then
        record_idle_failure "$key" "$transport" "failed: the server's descriptor limit is $server_limit, below $count sockets (raise ulimit -Hn; needs CAP_SYS_RESOURCE)"
        return 0
    fi
    local per_client=$((descriptor_limit - SPARE_DESCRIPTORS))
    local clients=$(((count + per_client - 1) / per_client))
    local concurrency=$(((IDLE_CONNECT_CONCURRENCY + clients - 1) / clients))
    local baseline held='' index tenths pids=() logs=() readies=()
    await_drained "$transport"
    if ! baseline=$(server_memory "$transport"); then
        record_idle_failure "$key" "$transport" "failed: jcmd could not read the server's heap"
        return 0
    fi
    for ((index = 0; index < clients; index++)); do
        local share=$((count / clients + (index < count % clients ? 1 : 0)))
        logs+=("$out_dir/raw/idle-$transport-$count-$index.txt")
        readies+=("$work_dir/ready-$transport-$count-$index")
        # shellcheck disable=SC2046  # client_sources prints separate arguments
        in_client "$transport" "$IDLE_TIMEOUT" python3 "$repo/integration-tests/tools/idle-connections.py" \
            --host "${server_address[$transport]}" --port "$PORT" --connections "$share" \
            --hold "$idle_hold_seconds" --connect-concurrency "$concurrency" --timeout $((IDLE_TIMEOUT - 20)) \
            --ready-file "${readies[index]}" $(client_sources "${client_first_address[$transport]}") \
            >"${logs[index]}" 2>&1 &
        pids+=("$!")
        started_pids+=("$!")
    done
    # Measure once every client holds all its connections; stop waiting when one has ended without.
    local all_ready=false
    for ((tenths = 0; tenths < IDLE_TIMEOUT * 10; tenths++)); do
        all_ready=true
        for ((index = 0; index < clients; index++)); do
            [[ -e ${readies[index]} ]] && continue
            all_ready=false
            kill -0 "${pids[index]}" 2>/dev/null || break 2
        done
        $all_ready && break
        sleep 0.1
    done
    if $all_ready; then
        held=$(server_memory "$transport") || held=
    fi
    local failures=0 status first_failure='' open=0
    for ((index = 0; index < clients; index++)); do
        status=0
        wait "${pids[index]}" || status=$?
        forget_pid "${pids[index]}"
        # The summary line: connections=N opened=N first_ok=N second_ok=N errors=E elapsed_s=T
        open=$((open + $(sed -n 's/^connections=.* first_ok=\([0-9]*\) .*/\1/p' "${logs[index]}" | tail -n 1 | grep . || echo 0)))
        if ((status != 0)); then
            ((failures++)) || true
            if [[ -z $first_failure ]]; then
                first_failure="client $index exit $status: $(grep -E '^(error|connections=)' "${logs[index]}" | head -n 1 | cut -c1-160 || true)"
            fi
        fi
    done
    if ((failures > 0)); then
        record_idle_failure "$key" "$transport" "failed: $failures of $clients idle clients failed, $open of $count connections answered; $first_failure"
        return 0
    fi
    if ! $all_ready || [[ -z $held ]]; then
        record_idle_failure "$key" "$transport" "failed: the clients did not hold all $count connections at once, or jcmd could not read the heap"
        return 0
    fi
    local base_heap base_rss held_heap held_rss
    read -r base_heap base_rss <<<"$baseline"
    read -r held_heap held_rss <<<"$held"
    echo "$transport $count connections ($clients clients): baseline heap=${base_heap}K rss=${base_rss}K, held heap=${held_heap}K rss=${held_rss}K" \
        >>"$out_dir/raw/idle-memory.txt"
    record "heap_$key" "$transport" $(((held_heap - base_heap) * 1024 / count)) "heap ${base_heap} KiB -> ${held_heap} KiB"
    record "rss_$key" "$transport" $(((held_rss - base_rss) * 1024 / count)) "RSS ${base_rss} KiB -> ${held_rss} KiB"
}

# Runs "measure_X TRANSPORT REPEAT ARGS..." for both transports per repeat, alternating which goes first.
interleaved() {
    local measurement=$1 repeat transport
    shift
    for ((repeat = 1; repeat <= repeats; repeat++)); do
        local order=(usertcp epoll)
        ((repeat % 2 == 0)) && order=(epoll usertcp)
        for transport in "${order[@]}"; do
            "$measurement" "$transport" "$repeat" "$@"
        done
    done
}

describe_machine() {
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "nproc: $(nproc)"
        echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
        echo "memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
        echo "kernel: $(uname -srm)"
        echo "java: $("$java" -version 2>&1 | paste -sd ';' - | sed 's/;/; /g')"
        echo "wrk: $(wrk -v 2>&1 | sed -n 1p)"
        echo "ab: $(ab -V 2>&1 | sed -n 1p)"
        echo "curl: $(curl --version | sed -n 1p)"
        echo "servers: ${JVM_OPTIONS[*]}, --threads $SERVER_THREADS (plus one acceptor thread)"
        echo "usertcp settings: ${USERTCP_PROPERTIES[*]}"
        echo "git: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    } >"$out_dir/machine.txt"
    cat "$out_dir/machine.txt"
}

describe_machine

human_bytes() {
    awk -v b="$1" 'BEGIN { if (b >= 1e9) printf "%g GB", b / 1e9; else printf "%g MB", b / 1e6 }'
}
runs="median of $repeats"
define_metric wrk_rps "keep-alive req/s" "keep-alive requests/s (wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${wrk_seconds}s, GET /)" req/s higher "$runs"
define_metric wrk_p50 "latency p50" "keep-alive latency p50 (same wrk runs)" ms lower "$runs"
define_metric wrk_p99 "latency p99" "keep-alive latency p99 (same wrk runs)" ms lower "$runs"
define_metric ab_cps "new conn/s" "new connections/s (ab -n $ab_requests -c $AB_CONCURRENCY, no keep-alive)" conn/s higher "$runs"
define_metric download "download" "$(human_bytes "$transfer_bytes") download, one connection (curl GET /bytes/N)" MB/s higher "$runs"
define_metric upload "upload" "$(human_bytes "$transfer_bytes") upload, one connection (curl POST)" MB/s higher "$runs"
for count in "${idle_counts[@]}"; do
    key=$((count / 1000))k
    define_metric "heap_$key" "heap/conn $key" "heap per idle connection at $key (after full GC)" bytes lower "1 run"
    define_metric "rss_$key" "RSS/conn $key" "RSS per idle connection at $key" bytes lower "1 run"
done
define_metric loss_rps "req/s $LOSS_PERCENT% loss" "keep-alive requests/s at $LOSS_PERCENT% loss each way (wrk as above)" req/s higher "$runs"

echo "Starting both servers (${JVM_OPTIONS[*]}, --threads $SERVER_THREADS)..."
start_server usertcp
start_server epoll
await_server usertcp
await_server epoll

upload_file=$work_dir/upload.bin
truncate -s "$transfer_bytes" "$upload_file"

echo "Warming up both servers (wrk ${wrk_seconds}s each, not recorded)..."
for transport in usertcp epoll; do
    in_client "$transport" "$WRK_TIMEOUT" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${wrk_seconds}s" \
        "$(url "$transport" /)" >"$out_dir/raw/warmup-$transport.txt" 2>&1 || echo "  warm-up on $transport failed; see raw/warmup-$transport.txt"
done

# Memory first, while no earlier load left connections closing on the servers.
for count in "${idle_counts[@]}"; do
    echo "Idle connections: $count held on each server..."
    for transport in usertcp epoll; do
        measure_idle "$transport" "$count" "$((count / 1000))k"
    done
done
echo "Keep-alive requests (wrk, $repeats runs each)..."
interleaved measure_wrk wrk
echo "Single-connection download of $(human_bytes "$transfer_bytes") ($repeats runs each)..."
interleaved measure_download
declare -A upload_paths
for transport in usertcp epoll; do
    upload_paths[$transport]=$(upload_path "$transport")
done
[[ ${upload_paths[usertcp]} == "${upload_paths[epoll]}" ]] || fail "the servers disagree on /digest: ${upload_paths[*]}"
echo "Single-connection upload of $(human_bytes "$transfer_bytes") to ${upload_paths[usertcp]} ($repeats runs each)..."
interleaved measure_upload "${upload_paths[usertcp]}"
echo "Keep-alive requests at $LOSS_PERCENT% loss ($repeats runs each)..."
interleaved measure_loss
# Last: every ab connection ends in TIME-WAIT on the server, which closes first.
echo "New connections (ab, $repeats runs each)..."
interleaved measure_ab

for transport in usertcp epoll; do
    kill -0 "${server_pid[$transport]}" 2>/dev/null || echo "warning: the $transport server exited during the run; see raw/server-$transport.log" >&2
done

python3 "$bench_dir/summarize.py" --metrics "$metrics" --samples "$samples" --machine "$out_dir/machine.txt" --out "$out_dir"
chart=
if [[ -s $out_dir/ratios.dat ]]; then
    gnuplot -e "data='$out_dir/ratios.dat'; output='$out_dir/ratios.png'" "$bench_dir/ratios.gnuplot"
    chart=", ratios.png"
else
    echo "No metric has a ratio on both transports, so there is no chart." >&2
fi
echo
cat "$out_dir/results.md"
echo
echo "Results: $out_dir/results.md, results.csv$chart (raw output in raw/)"
