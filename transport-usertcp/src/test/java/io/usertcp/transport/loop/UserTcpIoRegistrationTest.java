package io.usertcp.transport.loop;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoHandle;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handles on the loop: readiness by interest set, cancellation, and what the handler refuses. */
class UserTcpIoRegistrationTest {
    private static final long QUIET_MILLIS = 100;

    @Test
    void readableHandleGetsReadableEvent() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            IoRegistration registration = register(running, handle);
            running.onLoop(() -> registration.submit(UserTcpIoOps.READABLE));
            handle.signal();
            UserTcpIoEvent event = handle.events.poll(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(event, "no event for a readable eventfd");
            assertTrue(event.isReadable());
            assertFalse(event.isError());
            handle.close();
        }
    }

    @Test
    void emptyInterestSetGetsNoEvent() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            register(running, handle);
            handle.signal();
            assertNull(handle.events.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
            handle.close();
        }
    }

    @Test
    void writableInterestReportsWritable() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            IoRegistration registration = register(running, handle);
            running.onLoop(() -> registration.submit(UserTcpIoOps.WRITABLE));
            UserTcpIoEvent event = handle.events.poll(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(event, "an eventfd below its maximum is writable");
            assertTrue(event.isWritable());
            assertFalse(event.isReadable());
            running.onLoop(() -> registration.submit(UserTcpIoOps.NONE));
            handle.events.clear();
            assertNull(handle.events.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS), "events after interest was dropped");
            handle.close();
        }
    }

    @Test
    void cancelledHandleGetsNoMoreEvents() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            IoRegistration registration = register(running, handle);
            running.onLoop(() -> registration.submit(UserTcpIoOps.READABLE));
            assertTrue(running.onLoop(registration::cancel));
            assertFalse(registration.isValid());
            assertEquals(1, handle.unregisteredCalls.get());
            handle.signal();
            assertNull(handle.events.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
            assertEquals(-1, running.onLoop(() -> registration.submit(UserTcpIoOps.READABLE)));
            handle.close();
        }
    }

    @Test
    void slotOfCancelledHandleServesNextHandle() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle first = new EventFdHandle();
            IoRegistration firstRegistration = register(running, first);
            running.onLoop(firstRegistration::cancel);
            first.close();
            EventFdHandle second = new EventFdHandle();
            IoRegistration secondRegistration = register(running, second);
            running.onLoop(() -> secondRegistration.submit(UserTcpIoOps.READABLE));
            second.signal();
            assertNotNull(second.events.poll(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(first.events.isEmpty());
            second.close();
        }
    }

    @Test
    void registrationCallsRegisteredAndAttachesHandler() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            IoRegistration registration = register(running, handle);
            assertEquals(1, handle.registeredCalls.get());
            assertSame(running.handler, registration.attachment());
            handle.close();
        }
    }

    @Test
    void submitOffLoopThreadIsRefused() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            IoRegistration registration = register(running, handle);
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> registration.submit(UserTcpIoOps.READABLE));
            assertTrue(error.getMessage().contains("event loop thread"), error.getMessage());
            handle.close();
        }
    }

    @Test
    void foreignHandleIsRefusedNamingTheExpectedType() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            Future<IoRegistration> registration = running.loop.register(new IoHandle() {
                @Override
                public void handle(IoRegistration registration, IoEvent ioEvent) {
                }

                @Override
                public void close() {
                }
            });
            assertTrue(registration.await(RunningLoop.BOUND.toMillis()));
            assertFalse(registration.isSuccess());
            assertInstanceOf(IllegalArgumentException.class, registration.cause());
            assertTrue(registration.cause().getMessage().contains(UserTcpIoHandle.class.getName()),
                    registration.cause().getMessage());
            assertFalse(running.loop.isCompatible(NioIoHandle.class));
        }
    }

    @Test
    void closedDescriptorCannotRegister() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            EventFdHandle handle = new EventFdHandle();
            handle.close();
            Future<IoRegistration> registration = running.loop.register(handle);
            assertTrue(registration.await(RunningLoop.BOUND.toMillis()));
            assertFalse(registration.isSuccess());
            assertTrue(registration.cause().getMessage().contains("closed"), registration.cause().getMessage());
        }
    }

    private static IoRegistration register(RunningLoop running, EventFdHandle handle) throws Exception {
        return running.loop.register(handle).get(RunningLoop.BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }
}
