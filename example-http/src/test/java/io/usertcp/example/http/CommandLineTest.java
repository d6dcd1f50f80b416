package io.usertcp.example.http;

import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    @Test
    void noArgumentsGiveTheDefaults() throws UsageException {
        ServerOptions options = CommandLine.parse();
        assertEquals(Transport.defaultForThisHost(), options.transport());
        assertEquals("0.0.0.0", options.address().getHostAddress());
        assertEquals(8080, options.port());
        assertEquals(Runtime.getRuntime().availableProcessors(), options.threads());
        assertEquals(1L << 30, options.maxBodyBytes());
    }

    @Test
    void everyFlagTakesTheNextArgumentAsItsValue() throws UsageException {
        ServerOptions options = CommandLine.parse("--transport", "nio", "--address", "198.18.0.1", "--port", "9090",
                "--threads", "3", "--max-body-bytes", "4096");
        assertEquals(new ServerOptions(Transport.NIO, NetUtil.createInetAddressFromIpAddressString("198.18.0.1"),
                9090, 3, 4096, Map.of()), options);
    }

    @Test
    void flagsAlsoTakeTheirValueAfterAnEqualsSign() throws UsageException {
        ServerOptions options = CommandLine.parse("--transport=epoll", "--port=0", "--address=::1");
        assertEquals(Transport.EPOLL, options.transport());
        assertEquals(0, options.port());
        assertEquals(NetUtil.createInetAddressFromIpAddressString("::1"), options.address());
    }

    @Test
    void usertcpIsAcceptedAsATransportName() throws UsageException {
        assertEquals(Transport.USERTCP, CommandLine.parse("--transport", "usertcp").transport());
    }

    @Test
    void unknownFlagIsRejected() {
        UsageException error = assertThrows(UsageException.class, () -> CommandLine.parse("--verbose"));
        assertEquals("unknown argument '--verbose'", error.getMessage());
    }

    @Test
    void flagWithoutValueIsRejected() {
        UsageException error = assertThrows(UsageException.class, () -> CommandLine.parse("--port"));
        assertEquals("--port needs a value", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "http", "", "80.0", "+80"})
    void portOutsideZeroTo65535IsRejected(String port) {
        UsageException error = assertThrows(UsageException.class, () -> CommandLine.parse("--port", port));
        assertTrue(error.getMessage().startsWith("--port must be a whole number from 0 to 65535"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "4097", "many"})
    void threadsOutsideOneTo4096AreRejected(String threads) {
        assertThrows(UsageException.class, () -> CommandLine.parse("--threads", threads));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1G", "9223372036854775808"})
    void maxBodyBytesThatIsNotANonNegativeLongIsRejected(String limit) {
        assertThrows(UsageException.class, () -> CommandLine.parse("--max-body-bytes", limit));
    }

    @Test
    void unknownTransportIsRejected() {
        UsageException error = assertThrows(UsageException.class, () -> CommandLine.parse("--transport", "io_uring"));
        assertEquals("--transport must be usertcp, epoll or nio, not 'io_uring'", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "198.18.0.256", "example.org"})
    void addressThatIsNotAnIpLiteralIsRejected(String address) {
        assertThrows(UsageException.class, () -> CommandLine.parse("--address", address));
    }

    @Test
    void badFlagExitsWithUsageStatusAndPrintsTheErrorAndUsage() {
        Output output = new Output();
        int status = HttpExampleServer.run(new String[] {"--port", "http"}, output.out, output.err);
        assertEquals(HttpExampleServer.EXIT_USAGE, status);
        assertTrue(output.err().startsWith("example-http: --port must be a whole number"), output.err());
        assertTrue(output.err().contains("Usage: example-http"), output.err());
        assertEquals("", output.out());
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        Output output = new Output();
        int status = HttpExampleServer.run(new String[] {"--help"}, output.out, output.err);
        assertEquals(HttpExampleServer.EXIT_OK, status);
        assertTrue(output.out().startsWith("Usage: example-http"), output.out());
        assertEquals("", output.err());
    }

    @Test
    void usertcpWithoutAStackExitsWithTransportUnavailableStatusAndSaysHowToConfigureOne() {
        Output output = new Output();
        int status = HttpExampleServer.run(new String[] {"--transport", "usertcp"}, output.out, output.err);
        assertEquals(HttpExampleServer.EXIT_TRANSPORT_UNAVAILABLE, status);
        assertTrue(output.err().startsWith("example-http: transport usertcp is not available: "), output.err());
        assertTrue(output.err().contains("--device NAME --stack-address A.B.C.D/PREFIX"), output.err());
        assertEquals("", output.out());
    }

    @Test
    void deviceAndStackAddressBecomeUsertcpProperties() throws UsageException {
        ServerOptions options = CommandLine.parse("--transport", "usertcp", "--device", "utcp0",
                "--stack-address", "198.18.0.2/24", "--address", "198.18.0.2");
        assertEquals(Map.of("usertcp.device", "utcp0", "usertcp.address", "198.18.0.2/24"),
                options.stackProperties());
    }

    @Test
    void stackFlagsWithAKernelTransportAreRejected() {
        UsageException error = assertThrows(UsageException.class,
                () -> CommandLine.parse("--device", "utcp0", "--transport", "epoll"));
        assertTrue(error.getMessage().endsWith("they need --transport usertcp"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.2", "198.18.0.2/33", "198.18.0.256/24", "tap0", "198.18.0.2/x"})
    void stackAddressWithoutAValidAddressAndPrefixIsRejected(String address) {
        UsageException error = assertThrows(UsageException.class,
                () -> CommandLine.parse("--transport", "usertcp", "--stack-address", address));
        assertTrue(error.getMessage().startsWith("--stack-address must be an IPv4 address and prefix length"),
                error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a-name-longer-than15", "tap/0", "tap:0", "tap 0"})
    void deviceThatCannotBeAnInterfaceNameIsRejected(String name) {
        UsageException error = assertThrows(UsageException.class,
                () -> CommandLine.parse("--transport", "usertcp", "--device", name));
        assertTrue(error.getMessage().startsWith("--device must be an interface name"), error.getMessage());
    }

    private static final class Output {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
