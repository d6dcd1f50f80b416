package io.usertcp.example.http;

import io.netty.util.NetUtil;
import io.usertcp.transport.UserTcpConfig;
import io.usertcp.transport.tap.TapDevice;

import java.net.InetAddress;
import java.util.Set;

/**
 * Parses the command line of {@link HttpExampleServer#main}. Flags take their value as the next argument
 * or after '='.
 */
final class CommandLine {
    static final String DEVICE_PROPERTY = UserTcpConfig.PROPERTY_PREFIX + "device";
    static final String ADDRESS_PROPERTY = UserTcpConfig.PROPERTY_PREFIX + "address";

    static final String USAGE = String.join("\n",
            "Usage: example-http [options]",
            "",
            "An HTTP/1.1 server on Netty that runs the same handlers on kernel TCP (epoll, NIO) or usertcp.",
            "  GET  /         a greeting naming the transport",
            "  POST /echo     the request body, streamed back as it arrives",
            "  GET  /bytes/N  N bytes where byte i is i mod 251",
            "  GET  /stats    the server's counters, on usertcp the stack's too (Prometheus text format)",
            "  GET  /connections  on usertcp, the stack's connections as ss -tin lists them",
            "  POST /digest   the request body's length and SHA-256 (PUT too, as curl -T sends)",
            "",
            "Options:",
            "  --transport usertcp|epoll|nio  I/O transport (default: epoll where available, else nio)",
            "  --address IP                   local address to listen on (default: 0.0.0.0); with usertcp,",
            "                                 the address of the stack to listen on, 0.0.0.0 for every stack",
            "  --port N                       TCP port, 0 for any free one (default: "
                    + ServerOptions.DEFAULT_PORT + ")",
            "  --threads N                    worker event-loop threads (default: available processors)",
            "  --max-body-bytes N             largest request body accepted; a larger one gets 413 and",
            "                                 the connection closes (default: " + ServerOptions.DEFAULT_MAX_BODY_BYTES
                    + ", 1 GiB)",
            "  --device NAME                  usertcp: the TAP device to attach to, created if missing",
            "                                 (sets -D" + DEVICE_PROPERTY + ")",
            "  --stack-address A.B.C.D/P      usertcp: the stack's IPv4 address and prefix length, e.g.",
            "                                 198.18.0.2/24 (sets -D" + ADDRESS_PROPERTY + ")",
            "  --help                         print this help",
            "",
            "The usertcp stack is configured by -Dusertcp.* system properties (device, address, mtu, gateway,",
            "buffers...; see io.usertcp.transport.UserTcpConfig); the flags above set the two it needs.",
            "",
            "Exit status: 0 after a clean shutdown or --help, " + HttpExampleServer.EXIT_FAILED_TO_START
                    + " if the server cannot listen,",
            HttpExampleServer.EXIT_USAGE + " for a bad command line, " + HttpExampleServer.EXIT_TRANSPORT_UNAVAILABLE
                    + " if the transport is not available on this host.",
            "");

    private static final Set<String> FLAGS = Set.of("--transport", "--address", "--port", "--threads",
            "--max-body-bytes", "--device", "--stack-address");
    /** Far more event loops than any host has cores; beyond it a typo, not a setting. */
    private static final int MAX_THREADS = 4096;

    private CommandLine() {
    }

    static boolean asksForHelp(String... args) {
        for (String arg : args) {
            if (arg.equals("--help")) {
                return true;
            }
        }
        return false;
    }

    static ServerOptions parse(String... args) throws UsageException {
        ServerOptions options = ServerOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String flag = equals < 0 ? arg : arg.substring(0, equals);
            if (!FLAGS.contains(flag)) {
                throw new UsageException("unknown argument '" + arg + "'");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(flag + " needs a value");
            }
            switch (flag) {
                case "--transport" -> options = options.withTransport(transport(value));
                case "--address" -> options = options.withAddress(address(value));
                case "--port" -> options = options.withPort((int) number(flag, value, 0, 65535));
                case "--threads" -> options = options.withThreads((int) number(flag, value, 1, MAX_THREADS));
                case "--max-body-bytes" -> options = options.withMaxBodyBytes(number(flag, value, 0, Long.MAX_VALUE));
                case "--device" -> options = options.withStackProperty(DEVICE_PROPERTY, deviceName(value));
                case "--stack-address" -> options = options.withStackProperty(ADDRESS_PROPERTY, stackAddress(value));
            }
        }
        if (!options.stackProperties().isEmpty() && options.transport() != Transport.USERTCP) {
            throw new UsageException("--device and --stack-address configure the usertcp stack; they need"
                    + " --transport usertcp");
        }
        return options;
    }

    private static String deviceName(String name) throws UsageException {
        // Linux dev_valid_name: 1 to 15 bytes, no '/', ':' or white space.
        if (name.isEmpty() || name.length() > TapDevice.MAX_NAME_LENGTH || name.chars().anyMatch(
                c -> c == '/' || c == ':' || Character.isWhitespace(c) || c > 0x7e)) {
            throw new UsageException("--device must be an interface name of 1 to " + TapDevice.MAX_NAME_LENGTH
                    + " characters without '/', ':' or spaces, not '" + name + "'");
        }
        return name;
    }

    private static String stackAddress(String addressAndPrefix) throws UsageException {
        try {
            UserTcpConfig.builder("", addressAndPrefix).build();
            return addressAndPrefix;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--stack-address must be an IPv4 address and prefix length such as"
                    + " 198.18.0.2/24, not '" + addressAndPrefix + "': " + e.getMessage());
        }
    }

    private static Transport transport(String name) throws UsageException {
        Transport transport = Transport.forCommandLineName(name);
        if (transport == null) {
            throw new UsageException("--transport must be usertcp, epoll or nio, not '" + name + "'");
        }
        return transport;
    }

    private static InetAddress address(String text) throws UsageException {
        // An IP literal only: a name would need DNS, and the server should listen where it is told.
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(text);
        if (address == null) {
            throw new UsageException("--address must be an IPv4 or IPv6 address, not '" + text + "'");
        }
        return address;
    }

    private static long number(String flag, String text, long min, long max) throws UsageException {
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                long value = Long.parseLong(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException beyondLongRange) {
                // reported below like any other out-of-range value
            }
        }
        throw new UsageException(flag + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }
}
