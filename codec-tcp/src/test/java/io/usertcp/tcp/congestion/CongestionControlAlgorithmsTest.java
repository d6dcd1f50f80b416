package io.usertcp.tcp.congestion;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CongestionControlAlgorithmsTest {
    private static final int MSS = 1460;

    /** A user's algorithm: here NewReno's behaviour under another name. */
    private record CustomFactory(String name) implements CongestionControlFactory {
        @Override
        public CongestionControl newInstance(int mss) {
            return NewRenoCongestionControl.FACTORY.newInstance(mss);
        }
    }

    @Test
    void cubicIsTheDefault() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        assertSame(CubicCongestionControl.FACTORY, algorithms.defaultFactory());
        assertEquals("cubic", algorithms.defaultFactory().newInstance(MSS).name());
    }

    @Test
    void builtInAlgorithmsAreFoundByName() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        assertSame(CubicCongestionControl.FACTORY, algorithms.get("cubic"));
        assertSame(NewRenoCongestionControl.FACTORY, algorithms.get("newreno"));
        assertEquals(List.of("cubic", "newreno"), List.copyOf(algorithms.names()));
    }

    @Test
    void unknownNameIsRejectedWithTheAvailableNames() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> algorithms.get("bbr"));
        assertTrue(error.getMessage().contains("'bbr'") && error.getMessage().contains("[cubic, newreno]"),
                error.getMessage());
    }

    @Test
    void registeredFactoryIsFoundByItsName() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        CustomFactory custom = new CustomFactory("custom");
        algorithms.register(custom);
        assertSame(custom, algorithms.get("custom"));
        assertEquals(List.of("cubic", "custom", "newreno"), List.copyOf(algorithms.names()));
    }

    @Test
    void nameAlreadyRegisteredIsRejected() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        assertThrows(IllegalArgumentException.class, () -> algorithms.register(new CustomFactory("cubic")));
        assertSame(CubicCongestionControl.FACTORY, algorithms.get("cubic"));
    }

    @Test
    void factoryWithoutANameIsRejected() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        assertThrows(IllegalArgumentException.class, () -> algorithms.register(new CustomFactory("")));
        assertThrows(IllegalArgumentException.class, () -> algorithms.register(new CustomFactory(null)));
    }

    @Test
    void defaultCanBeAnyRegisteredAlgorithm() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        CustomFactory custom = new CustomFactory("custom");
        algorithms.register(custom);
        algorithms.setDefault("newreno");
        assertSame(NewRenoCongestionControl.FACTORY, algorithms.defaultFactory());
        algorithms.setDefault("custom");
        assertSame(custom, algorithms.defaultFactory());
    }

    @Test
    void unknownDefaultIsRejectedAndTheDefaultKept() {
        CongestionControlAlgorithms algorithms = new CongestionControlAlgorithms();
        assertThrows(IllegalArgumentException.class, () -> algorithms.setDefault("vegas"));
        assertSame(CubicCongestionControl.FACTORY, algorithms.defaultFactory());
    }

    @Test
    void registriesAreIndependent() {
        CongestionControlAlgorithms first = new CongestionControlAlgorithms();
        CongestionControlAlgorithms second = new CongestionControlAlgorithms();
        first.register(new CustomFactory("custom"));
        first.setDefault("newreno");
        assertEquals(List.of("cubic", "newreno"), List.copyOf(second.names()));
        assertSame(CubicCongestionControl.FACTORY, second.defaultFactory());
    }

    @Test
    void eachInstanceHasItsOwnWindow() {
        CongestionControl first = CubicCongestionControl.FACTORY.newInstance(MSS);
        CongestionControl second = CubicCongestionControl.FACTORY.newInstance(MSS);
        assertNotSame(first, second);
        first.onRetransmissionTimeout(0, 10 * MSS);
        assertEquals(MSS, first.congestionWindow());
        assertEquals(10 * MSS, second.congestionWindow());
    }
}
