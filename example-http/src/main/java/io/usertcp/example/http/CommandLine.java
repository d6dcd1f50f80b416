package io.usertcp.example.http;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.Set;

/**
 * Parses the command line of {@link HttpExampleServer#main}. Flags take their value as the next argument
 * or after '='.
 */
final class CommandLine {
    static final String USAGE = String.join("\n",
            "Usage: example-http [options]",
            "",
            "An HTTP/1.1 server on Netty that runs the same handlers on kernel TCP (epoll, NIO) or usertcp.",
            "  GET  /         a greeting naming the transport",
            "  POST /echo     the request body, streamed back as it arrives",
            "  GET  /bytes/N  N bytes where byte i is i mod 251",
            "  GET  /stats    the server's own counters",
            "",
            "Options:",
            "  --transport usertcp|epoll|nio  I/O transport (default: epoll where available, else nio;",
            "                                 usertcp is not available yet)",
            "  --address IP                   local address to listen on (default: 0.0.0.0)",
            "  --port N                       TCP port, 0 for any free one (default: "
                    + ServerOptions.DEFAULT_PORT + ")",
            "  --threads N                    worker event-loop threads (default: available processors)",
            "  --max-body-bytes N             largest request body accepted; a larger one gets 413 and",
            "                                 the connection closes (default: " + ServerOptions.DEFAULT_MAX_BODY_BYTES
                    + ", 1 GiB)",
            "  --help                         print this help",
            "",
            "Exit status: 0 after a clean shutdown or --help, " + HttpExampleServer.EXIT_FAILED_TO_START
                    + " if the server cannot listen,",
            HttpExampleServer.EXIT_USAGE + " for a bad command line, " + HttpExampleServer.EXIT_TRANSPORT_UNAVAILABLE
                    + " if the transport is not available on this host.",
            "");

    private static final Set<String> FLAGS =
            Set.of("--transport", "--address", "--port", "--threads", "--max-body-bytes");
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
            }
        }
        return options;
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
