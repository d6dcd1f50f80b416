package io.usertcp.transport;

import io.usertcp.testing.network.ImpairmentConfig;
import io.usertcp.testing.network.LinkImpairment;
import org.junit.jupiter.api.Test;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code usertcp.impairment} setting of {@link UserTcpConfig}: a testing aid, off unless asked for. */
class UserTcpConfigImpairmentTest {
    @Test
    void linkIsNotImpairedByDefault() {
        assertSame(LinkImpairment.NONE, UserTcpConfig.fromProperties(stackProperties()).impairment());
        assertSame(LinkImpairment.NONE, UserTcpConfig.builder("tap0", "198.18.0.2/24").build().impairment());
    }

    @Test
    void impairmentPropertyIsParsedIntoBothDirections() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.impairment", "seed=42,delay=2ms,in.corrupt=0.5%");
        LinkImpairment impairment = UserTcpConfig.fromProperties(properties).impairment();
        ImpairmentConfig delayed = ImpairmentConfig.NONE.withDelay(2, TimeUnit.MILLISECONDS);
        assertEquals(new LinkImpairment(42, delayed.withCorruption(0.5), delayed), impairment);
    }

    @Test
    void malformedImpairmentNamesTheProperty() {
        Properties properties = stackProperties();
        properties.setProperty("usertcp.impairment", "delay=2");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> UserTcpConfig.fromProperties(properties));
        assertTrue(error.getMessage().contains("usertcp.impairment=delay=2"), error.getMessage());
        assertTrue(error.getMessage().contains("a duration needs a unit"), error.getMessage());
    }

    @Test
    void builderTakesAnImpairmentAndItShowsInTheDescription() {
        UserTcpConfig config = UserTcpConfig.builder("tap0", "198.18.0.2/24")
                .impairment(LinkImpairment.parse("out.loss=1%")).build();
        assertEquals(ImpairmentConfig.NONE.withLoss(1), config.impairment().outbound());
        assertTrue(config.toString().contains("impaired"), config.toString());
    }

    private static Properties stackProperties() {
        Properties properties = new Properties();
        properties.setProperty("usertcp.device", "tap0");
        properties.setProperty("usertcp.address", "198.18.0.2/24");
        return properties;
    }
}
