#!/usr/bin/env bash
# The README's "run the example": example-http on the usertcp stack, in a network namespace of its own.
#
#   sudo example-http/run.sh          serve until Ctrl-C
#   sudo example-http/run.sh --once   stop after the first curl (for scripts and tests)
#
# It builds what is missing or older than its sources, creates the namespace utcp-demo-<pid> with a TAP
# device whose kernel side is 198.18.0.1/24, starts the server inside it on the stack at 198.18.0.2:8080,
# shows one curl through the stack, and removes the namespace and the device when it stops, also on errors.
# Only 198.18.0.0/15 (RFC 2544 benchmarking) addresses are used, and only inside the namespace.
#
# Environment:
#   USERTCP_BUILD_DIR     Maven build folder of each module (default: target), as -Dusertcp.build.dir
#   USERTCP_MAVEN_FLAGS   extra Maven flags for the build, e.g. -o to build offline
#   JAVA_HOME             the JDK to run the server with (default: java on the PATH)
set -euo pipefail

readonly KERNEL_ADDRESS=198.18.0.1
readonly STACK_ADDRESS=198.18.0.2
readonly PREFIX_LENGTH=24
readonly PORT=8080
readonly START_TIMEOUT_SECONDS=60
readonly STOP_TIMEOUT_SECONDS=10
# linux/capability.h
readonly CAP_NET_ADMIN=12
readonly CAP_SYS_ADMIN=21

usage() {
    cat <<EOF
Usage: sudo example-http/run.sh [--once]

Runs example-http on the usertcp user-space TCP/IP stack in a network namespace of its own and
serves until Ctrl-C, then removes the namespace and the TAP device.

  --once   exit (and clean up) right after the first curl instead of serving until Ctrl-C
  --help   print this help

Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN), /dev/net/tun, ip (iproute2), curl, Java 17+, and
Maven 3.8.7+ when the modules need building. Environment: USERTCP_BUILD_DIR (Maven build folder,
default target), USERTCP_MAVEN_FLAGS (extra Maven flags, e.g. -o), JAVA_HOME.
EOF
}

once=false
while (($#)); do
    case $1 in
        --once) once=true ;;
        -h | --help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

fail() {
    echo "run.sh: $*" >&2
    exit 1
}

has_capability() {
    local effective
    effective=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
    (( (16#$effective >> $1) & 1 ))
}

check_host() {
    if ! has_capability "$CAP_NET_ADMIN" || ! has_capability "$CAP_SYS_ADMIN"; then
        fail "needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN, to create a network namespace and a TAP device
(runs as uid $(id -u) without them). Run it as: sudo example-http/run.sh"
    fi
    if [[ ! -c /dev/net/tun ]]; then
        fail "needs /dev/net/tun for the TAP device: load the tun module (modprobe tun), or give a container --device /dev/net/tun"
    fi
    local command
    for command in ip curl "$java"; do
        command -v "$command" >/dev/null || fail "needs the command '$command' on the PATH"
    done
}

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
check_host

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${USERTCP_BUILD_DIR:-target}
read -r -a maven_flags <<<"${USERTCP_MAVEN_FLAGS:-}"
classes=$repo/example-http/$build_dir/classes
# Written last by a successful build, so it also stamps the build as complete.
classpath_file=$repo/example-http/$build_dir/run-classpath.txt

build_needed() {
    [[ ! -s $classpath_file || ! -d $classes ]] && return 0
    [[ -n $(find "$repo/pom.xml" "$repo"/{codec-tcp,transport-usertcp,example-http}/{pom.xml,src/main} \
        -newer "$classpath_file" -print -quit) ]]
}

build() {
    command -v mvn >/dev/null || fail "needs Maven (mvn) to build the modules"
    echo "Building example-http and the modules it needs (mvn -DskipTests install)..."
    local maven=(mvn -B -q -Dstyle.color=never -f "$repo/pom.xml" -Dusertcp.build.dir="$build_dir" "${maven_flags[@]}")
    "${maven[@]}" -DskipTests install -pl example-http -am
    "${maven[@]}" dependency:build-classpath -pl example-http -DincludeScope=runtime -Dmdep.outputFile="$classpath_file.new"
    mv "$classpath_file.new" "$classpath_file"
}

namespace=utcp-demo-$$
device=utcpdemo$$
namespace_created=false
server_pid=
server_log=

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local status=$?
    set +e
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        local waited=0
        while kill -0 "$server_pid" 2>/dev/null && ((waited < STOP_TIMEOUT_SECONDS * 10)); do
            sleep 0.1
            ((waited++))
        done
        kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid"
        wait "$server_pid" 2>/dev/null
    fi
    if $namespace_created; then
        ip -n "$namespace" link delete "$device" 2>/dev/null
        ip netns delete "$namespace" && echo "Removed network namespace $namespace and TAP device $device."
    fi
    if [[ -n $server_log ]]; then
        rm -f "$server_log"
    fi
    exit "$status"
}

print_server_log() {
    echo "--- server output ---" >&2
    cat "$server_log" >&2
    echo "---------------------" >&2
}

if build_needed; then
    build
fi
classpath=$classes:$(<"$classpath_file")

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -e /run/netns/$namespace ]]; then
    fail "network namespace $namespace exists already; remove it with: sudo ip netns delete $namespace"
fi
ip netns add "$namespace"
namespace_created=true
ip -n "$namespace" link set dev lo up
# No IPv6 on the link: the kernel would send router and listener solicitations the stack does not speak.
ip netns exec "$namespace" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# A persistent TAP, set up before the server attaches to it by name, so the stack starts on a live link.
ip -n "$namespace" tuntap add dev "$device" mode tap
ip -n "$namespace" address add "$KERNEL_ADDRESS/$PREFIX_LENGTH" dev "$device"
ip -n "$namespace" link set dev "$device" up

server_log=$(mktemp -t utcp-demo.XXXXXX.log)
# The server runs inside the namespace: the TAP it attaches to is there, and so is every socket it could open.
# A namespace has no hardware address for Netty's channel ids, hence the machine id.
ip netns exec "$namespace" "$java" -Dio.netty.machineId=02:00:c6:12:00:02 -cp "$classpath" \
    io.usertcp.example.http.HttpExampleServer --transport usertcp --device "$device" \
    --stack-address "$STACK_ADDRESS/$PREFIX_LENGTH" --address "$STACK_ADDRESS" --port "$PORT" \
    >"$server_log" 2>&1 &
server_pid=$!

for ((tenths = 0; tenths < START_TIMEOUT_SECONDS * 10; tenths++)); do
    grep -q "example-http listening on" "$server_log" && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        print_server_log
        fail "the server exited before listening"
    fi
    sleep 0.1
done
if ! grep -q "example-http listening on" "$server_log"; then
    print_server_log
    fail "the server did not listen within $START_TIMEOUT_SECONDS s"
fi
grep "example-http listening on" "$server_log"

url=http://$STACK_ADDRESS:$PORT
echo "\$ sudo ip netns exec $namespace curl -sS $url/"
if ! ip netns exec "$namespace" curl -sS --max-time 10 "$url/"; then
    print_server_log
    fail "curl through the stack failed"
fi

if $once; then
    exit 0
fi

cat <<EOF

example-http serves $url through the usertcp stack (TAP $device, kernel side $KERNEL_ADDRESS, namespace $namespace).
Try it from another terminal:
  sudo ip netns exec $namespace curl $url/bytes/1000
  sudo ip netns exec $namespace curl $url/stats
  sudo ip netns exec $namespace curl --data-binary @FILE $url/echo
Press Ctrl-C to stop; the namespace and the TAP device are removed.
EOF

set +e
wait "$server_pid"
server_status=$?
set -e
print_server_log
fail "the server stopped on its own with status $server_status"
