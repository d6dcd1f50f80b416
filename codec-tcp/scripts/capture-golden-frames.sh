#!/usr/bin/env bash
# Captures golden frames from the Linux stack for the codec tests: ARP, ICMP and one TCP conversation
# (SYN options, SACK after a single drop, FIN both ways, RSTs) between two network namespaces joined by
# a veth pair. For each capture it writes <name>.pcap, <name>.fields.tsv (the fields tshark decodes, the
# expected values of the codec tests) and <name>.tshark-V.txt (the verbose decode, for humans).
#
# Usage (as root): codec-tcp/scripts/capture-golden-frames.sh [output-dir]
# The output directory defaults to codec-tcp/src/test/resources/golden.
#
# Only addresses from 198.18.0.0/15 are used and all traffic stays inside the two namespaces made here,
# which the EXIT trap removes, with every process started here, even on failure.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly OUT_DIR="${1:-$(cd "$SCRIPT_DIR/.." && pwd)/src/test/resources/golden}"

readonly NS_A="utcp-golden-a-$$"
readonly NS_B="utcp-golden-b-$$"
readonly DEV=veth0
# Fixed, locally administered MACs so regenerated fixtures keep the same link addresses.
readonly MAC_A=02:00:c6:12:00:01
readonly MAC_B=02:00:c6:12:00:02
readonly ADDR_A=198.18.0.1
readonly ADDR_B=198.18.0.2
# B routes this subnet to a link of its own, so A's packets to it are forwarded by B: that is what makes B
# answer with time-exceeded (TTL 1) and fragmentation-needed (DF set, larger than that link's MTU).
readonly ROUTED_NET=198.19.0.0/24
readonly ROUTED_GATEWAY=198.19.0.1
readonly ROUTED_HOST=198.19.0.9
readonly ROUTED_MTU=1280
readonly UDP_CLOSED_PORT=33434
readonly TCP_PORT=5001
readonly TCP_CLOSED_PORT=5002
readonly CLIENT_PORT_DATA=40001
readonly CLIENT_PORT_REFUSED=40002
readonly CLIENT_PORT_ABORT=40003
# The client sends this many chunks of this size, TCP_NODELAY and a pause apart, so each is one segment.
readonly CHUNKS=4
readonly CHUNK_BYTES=200
readonly REPLY_BYTES=300

# The fields each <name>.fields.tsv holds, one column each, in this order. Several occur more than once
# in a frame (an ICMP error quotes an IP header, TCP options repeat): tshark joins them with ','.
readonly FIELDS=(
    frame.number frame.len frame.cap_len
    eth.dst eth.src eth.type eth.padding eth.trailer
    arp.hw.type arp.proto.type arp.hw.size arp.proto.size arp.opcode
    arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4
    ip.version ip.hdr_len ip.dsfield ip.len ip.id ip.flags ip.frag_offset ip.ttl ip.proto
    ip.checksum ip.checksum.status ip.src ip.dst
    icmp.type icmp.code icmp.checksum icmp.checksum.status icmp.ident icmp.seq icmp.mtu
    udp.srcport udp.dstport udp.length udp.checksum udp.checksum.status
    tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.hdr_len tcp.flags tcp.window_size_value
    tcp.checksum tcp.checksum.status tcp.urgent_pointer tcp.len tcp.option_kind
    tcp.options.mss_val tcp.options.wscale.shift tcp.options.sack_perm
    tcp.options.timestamp.tsval tcp.options.timestamp.tsecr tcp.options.sack_le tcp.options.sack_re
)
# Absolute sequence numbers (so SACK edges are absolute too) and verified IP/TCP checksums.
readonly TSHARK_PREFS=(
    -o tcp.relative_sequence_numbers:FALSE
    -o tcp.analyze_sequence_numbers:FALSE
    -o tcp.check_checksum:TRUE
    -o ip.check_checksum:TRUE
    -o udp.check_checksum:TRUE
)

WORK_DIR=""
# Processes started here and not yet reaped; a reaped PID is dropped at once, so cleanup never signals a
# PID the system may have given to another process since.
STARTED_PIDS=()

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    if [[ -n "$WORK_DIR" ]]; then
        rm -rf "$WORK_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits for a process started here and forgets it; returns its exit status.
reap() {
    local pid="$1" status=0 kept=() other
    wait "$pid" || status=$?
    for other in "${STARTED_PIDS[@]}"; do
        if [[ "$other" != "$pid" ]]; then
            kept+=("$other")
        fi
    done
    STARTED_PIDS=("${kept[@]}")
    return "$status"
}

fail() {
    echo "capture-golden-frames: $*" >&2
    exit 1
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

require_tools() {
    local tool
    [[ $EUID -eq 0 ]] || fail "must run as root (network namespaces, tcpdump, nftables)"
    for tool in ip ethtool tcpdump tshark nft arping ping python3 timeout ss; do
        command -v "$tool" >/dev/null || fail "missing tool: $tool"
    done
}

# Turns every offload off so captured checksums are the final ones and segments are MTU-sized.
disable_offloads() {
    local ns="$1"
    ip netns exec "$ns" ethtool -K "$DEV" rx off tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
    local features
    features="$(ip netns exec "$ns" ethtool -k "$DEV")"
    local feature
    for feature in rx-checksumming tx-checksumming tcp-segmentation-offload generic-segmentation-offload \
            generic-receive-offload; do
        grep -q "^$feature: off" <<<"$features" || fail "$ns: $feature is still on"
    done
}

setup_namespaces() {
    ip netns add "$NS_A"
    ip netns add "$NS_B"
    local ns
    for ns in "$NS_A" "$NS_B"; do
        # No IPv6 at all: no router solicitations, no neighbour discovery, no MLD in the captures.
        # "default" covers every device made after this line; veth0 is also set by name below.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    done
    ip -n "$NS_A" link add "$DEV" address "$MAC_A" type veth peer name "$DEV" address "$MAC_B" netns "$NS_B"
    for ns in "$NS_A" "$NS_B"; do
        ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$DEV.disable_ipv6=1"
        disable_offloads "$ns"
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_A" addr add "$ADDR_A/24" dev "$DEV"
    ip -n "$NS_B" addr add "$ADDR_B/24" dev "$DEV"
    ip -n "$NS_A" link set "$DEV" up
    ip -n "$NS_B" link set "$DEV" up
    ip -n "$NS_A" route add "$ROUTED_NET" via "$ADDR_B"

    in_b sysctl -qw net.ipv4.ip_forward=1
    # This kernel has no dummy driver: a veth pair with both ends in B stands in for the routed link.
    ip -n "$NS_B" link add routed0 mtu "$ROUTED_MTU" type veth peer name routed1
    ip -n "$NS_B" addr add "$ROUTED_GATEWAY/24" dev routed0
    ip -n "$NS_B" link set routed1 up
    ip -n "$NS_B" link set routed0 up
}

wait_until() {
    local what="$1"
    shift
    for _ in $(seq 1 50); do
        if "$@"; then
            return 0
        fi
        sleep 0.1
    done
    fail "timed out waiting for $what"
}

tcpdump_listening() { grep -q "listening on" "$1"; }

CAPTURE_PID=""

# Starts tcpdump on B's end of the veth, which sees both directions, and returns once it is listening.
start_capture() {
    local name="$1" filter="$2"
    local log="$WORK_DIR/$name.tcpdump.log"
    # Started without a function or subshell around it, so $! is tcpdump itself (ip netns exec execs it).
    # Immediate mode: otherwise frames wait in the kernel's ring block, and a short capture stops empty.
    ip netns exec "$NS_B" tcpdump -i "$DEV" --immediate-mode -U -s 262144 -y EN10MB -Z root \
        -w "$WORK_DIR/$name.pcap" "$filter" 2>"$log" &
    CAPTURE_PID=$!
    STARTED_PIDS+=("$CAPTURE_PID")
    wait_until "tcpdump for $name" tcpdump_listening "$log"
}

stop_capture() {
    # Lets the last frames reach tcpdump before it stops.
    sleep 0.3
    kill -INT "$CAPTURE_PID"
    reap "$CAPTURE_PID" || fail "tcpdump exited with status $?"
}

capture_arp() {
    ip -n "$NS_A" neigh flush dev "$DEV"
    ip -n "$NS_B" neigh flush dev "$DEV"
    start_capture arp arp
    # The kernel resolves B itself (broadcast request, reply), then arping asks twice more.
    in_a timeout 5 ping -q -c 1 -W 2 "$ADDR_B" >/dev/null
    in_a timeout 10 arping -q -c 2 -i "$DEV" "$ADDR_B" || fail "arping got no reply"
    stop_capture
}

capture_ping() {
    start_capture ping "icmp or (udp and dst port $UDP_CLOSED_PORT)"
    in_a timeout 10 ping -q -c 4 -i 0.2 -W 2 "$ADDR_B" >/dev/null
    # Larger than the veth MTU with DF clear: A fragments the request and B the reply.
    in_a timeout 5 ping -q -c 1 -M "dont" -s 2000 -W 2 "$ADDR_B" >/dev/null
    # UDP to a closed port: B answers port unreachable.
    in_a timeout 5 python3 -c '
import socket, sys
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
    probe.sendto(b"usertcp golden probe", (sys.argv[1], int(sys.argv[2])))
' "$ADDR_B" "$UDP_CLOSED_PORT"
    # Forwarded by B: TTL 1 gives time exceeded, DF and too big for the routed link's MTU gives frag needed.
    # ping exits non-zero when it gets an error instead of a reply; the checks below look at the frames.
    in_a timeout 5 ping -q -c 1 -t 1 -W 1 "$ROUTED_HOST" >/dev/null || true
    in_a timeout 5 ping -q -c 1 -M "do" -s 1400 -W 1 "$ROUTED_HOST" >/dev/null || true
    stop_capture
}

write_tcp_programs() {
    cat >"$WORK_DIR/server.py" <<'EOF'
import socket
import sys

address, port, request_bytes, reply_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with socket.create_server((address, port)) as listener:
    listener.settimeout(20)
    # Connection 1: read the whole request, send one reply, close once the client has closed.
    conn, _ = listener.accept()
    with conn:
        received = 0
        while received < request_bytes:
            chunk = conn.recv(4096)
            if not chunk:
                sys.exit("client closed after %d of %d bytes" % (received, request_bytes))
            received += len(chunk)
        conn.sendall(b"R" * reply_bytes)
        while conn.recv(4096):
            pass
    # Connection 2: the client aborts it with a RST.
    conn, _ = listener.accept()
    with conn:
        try:
            while conn.recv(4096):
                pass
        except ConnectionResetError:
            pass
EOF
    cat >"$WORK_DIR/client.py" <<'EOF'
import socket
import struct
import sys
import time

(server, client, port, closed_port, data_port, refused_port, abort_port,
 chunks, chunk_bytes, reply_bytes) = (sys.argv[1], sys.argv[2], *map(int, sys.argv[3:11]))


def connect(local_port, remote_port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(10)
    sock.bind((client, local_port))
    sock.connect((server, remote_port))
    return sock


with connect(data_port, port) as sock:
    for index in range(chunks):
        sock.sendall(bytes([ord("A") + index]) * chunk_bytes)
        time.sleep(0.05)
    received = 0
    while received < reply_bytes:
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit("server closed after %d of %d reply bytes" % (received, reply_bytes))
        received += len(chunk)
    sock.shutdown(socket.SHUT_WR)
    while sock.recv(4096):
        pass

try:
    connect(refused_port, closed_port).close()
    sys.exit("connection to closed port %d was accepted" % closed_port)
except ConnectionRefusedError:
    pass

sock = connect(abort_port, port)
time.sleep(0.05)
# Linger on with a zero timeout: close() aborts with a RST instead of a FIN.
sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
sock.close()
EOF
}

tcp_listening() { [[ -n "$(in_b ss -Hltn "sport = :$TCP_PORT")" ]]; }

capture_tcp() {
    write_tcp_programs
    # Drops exactly one segment on B's input: the second client segment long enough to carry data
    # (control segments are at most 60 bytes). B then sees a hole, SACKs the next segment, and A retransmits.
    in_b nft -f - <<EOF
table inet utcp_golden {
    chain input {
        type filter hook input priority 0; policy accept;
        ip saddr $ADDR_A tcp dport $TCP_PORT ip length > 100 numgen inc mod 1000000 == 1 counter drop
    }
}
EOF
    ip netns exec "$NS_B" timeout 30 python3 "$WORK_DIR/server.py" "$ADDR_B" "$TCP_PORT" \
        $((CHUNKS * CHUNK_BYTES)) "$REPLY_BYTES" &
    local server_pid=$!
    STARTED_PIDS+=("$server_pid")
    wait_until "the TCP server" tcp_listening

    start_capture tcp "tcp and (port $TCP_PORT or port $TCP_CLOSED_PORT)"
    in_a timeout 30 python3 "$WORK_DIR/client.py" "$ADDR_B" "$ADDR_A" "$TCP_PORT" "$TCP_CLOSED_PORT" \
        "$CLIENT_PORT_DATA" "$CLIENT_PORT_REFUSED" "$CLIENT_PORT_ABORT" "$CHUNKS" "$CHUNK_BYTES" "$REPLY_BYTES"
    reap "$server_pid" || fail "TCP server exited with status $?"
    stop_capture
    in_b nft list table inet utcp_golden | grep -q 'counter packets 1 ' \
        || fail "the nftables rule did not drop exactly one segment"
}

# tshark without its warning about running as root.
run_tshark() {
    tshark "$@" 2> >(grep -v '^Running as user' >&2)
}

count_frames() {
    local pcap="$1" filter="$2"
    run_tshark "${TSHARK_PREFS[@]}" -r "$pcap" -Y "$filter" -T fields -e frame.number | wc -l
}

expect_frames() {
    local pcap="$1" filter="$2" comparison="$3"
    local count
    count="$(count_frames "$pcap" "$filter")"
    # shellcheck disable=SC2086 # comparison is an operator and a number, e.g. "-ge 1"
    test "$count" $comparison || fail "$(basename "$pcap"): $count frame(s) match '$filter', expected $comparison"
}

verify_captures() {
    local pcap
    for pcap in "$WORK_DIR"/{arp,ping,tcp}.pcap; do
        [[ "$(run_tshark -r "$pcap" -T fields -e frame.encap_type -c 1)" == 1 ]] \
            || fail "$(basename "$pcap"): not Ethernet"
        # Status 0 is bad, 2 unverified. No checksum may be bad, and each outermost one (#1) must have been
        # verified; a message quoted in an ICMP error may be cut short, so its own checksum may stay unverified.
        expect_frames "$pcap" 'ip.checksum.status == 0 || icmp.checksum.status == 0
            || udp.checksum.status == 0 || tcp.checksum.status == 0' "-eq 0"
        expect_frames "$pcap" 'ip.checksum.status#1 == 2 || icmp.checksum.status#1 == 2
            || udp.checksum.status#1 == 2 || tcp.checksum.status#1 == 2' "-eq 0"
    done
    local arp="$WORK_DIR/arp.pcap" ping="$WORK_DIR/ping.pcap" tcp="$WORK_DIR/tcp.pcap"
    expect_frames "$arp" 'arp.opcode == 1' "-ge 2"
    expect_frames "$arp" 'arp.opcode == 2' "-ge 2"
    expect_frames "$ping" 'icmp.type == 8' "-ge 4"
    expect_frames "$ping" 'icmp.type == 0' "-ge 4"
    expect_frames "$ping" 'ip.flags.mf == 1' "-ge 2"
    expect_frames "$ping" 'icmp.type == 3 && icmp.code == 3' "-eq 1"
    expect_frames "$ping" 'icmp.type == 11 && icmp.code == 0' "-eq 1"
    expect_frames "$ping" "icmp.type == 3 && icmp.code == 4 && icmp.mtu == $ROUTED_MTU" "-eq 1"
    expect_frames "$tcp" 'tcp.flags == 0x002 && tcp.options.mss_val && tcp.options.sack_perm
        && tcp.options.wscale.shift && tcp.options.timestamp.tsval' "-eq 3"
    expect_frames "$tcp" 'tcp.flags == 0x012 && tcp.options.mss_val && tcp.options.sack_perm
        && tcp.options.wscale.shift && tcp.options.timestamp.tsval' "-eq 2"
    expect_frames "$tcp" 'tcp.options.sack_le' "-ge 1"
    expect_frames "$tcp" "tcp.flags.fin == 1 && tcp.srcport == $TCP_PORT" "-eq 1"
    expect_frames "$tcp" "tcp.flags.fin == 1 && tcp.dstport == $TCP_PORT" "-eq 1"
    expect_frames "$tcp" "tcp.flags == 0x014 && tcp.srcport == $TCP_CLOSED_PORT" "-eq 1"
    expect_frames "$tcp" "tcp.flags.reset == 1 && tcp.srcport == $CLIENT_PORT_ABORT" "-eq 1"
    [[ "$(stat -c %s "$tcp")" -lt 100000 ]] || fail "tcp.pcap is larger than 100 KB"
}

write_outputs() {
    mkdir -p "$OUT_DIR"
    local field_args=() field name
    for field in "${FIELDS[@]}"; do
        field_args+=(-e "$field")
    done
    for name in arp ping tcp; do
        cp "$WORK_DIR/$name.pcap" "$OUT_DIR/$name.pcap"
        run_tshark "${TSHARK_PREFS[@]}" -r "$OUT_DIR/$name.pcap" -T fields -E header=y -E separator=/t \
            -E occurrence=a -E aggregator=, "${field_args[@]}" >"$OUT_DIR/$name.fields.tsv"
        run_tshark "${TSHARK_PREFS[@]}" -r "$OUT_DIR/$name.pcap" -V >"$OUT_DIR/$name.tshark-V.txt"
        echo "wrote $OUT_DIR/$name.pcap ($(count_frames "$OUT_DIR/$name.pcap" frame) frames)," \
            "$name.fields.tsv, $name.tshark-V.txt"
    done
}

main() {
    require_tools
    WORK_DIR="$(mktemp -d)"
    setup_namespaces
    capture_arp
    capture_ping
    capture_tcp
    verify_captures
    write_outputs
    run_tshark --version | head -n 1
}

main "$@"
