package io.usertcp.stack.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.usertcp.codec.fuzz.SeedFrames;
import io.usertcp.tcp.TcpConnection;
import io.usertcp.tcp.TcpConnectionEvents;
import io.usertcp.tcp.TcpListener;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The legitimate traffic the fuzz frames are mixed into, so they meet connections in every state. The stack
 * under fuzz runs echo servers on the ports the seed frames use ({@link SeedFrames#HOST_PORT},
 * {@link SeedFrames#PEER_PORT}); the peer runs a sink. The peer keeps a few clients sending to the echo
 * servers and the stack under fuzz a client or two sending to the sink; each client writes its bytes, shuts
 * its output down, closes once the other side has, and now and then one is aborted (RST) midway.
 */
final class ValidTraffic {
    static final int SINK_PORT = 7000;
    private static final int[] ECHO_PORTS = {SeedFrames.HOST_PORT, SeedFrames.PEER_PORT};
    private static final int PEER_CLIENTS = 4;
    private static final int VICTIM_CLIENTS = 2;
    private static final int MAX_BYTES = 24 * 1024;

    private final StackHost victim;
    private final int victimAddress;
    private final StackHost peer;
    private final int peerAddress;
    private final ByteBufAllocator allocator;
    private final List<TcpListener> listeners = new ArrayList<>();
    private final TcpListener sinkListener;
    private final List<Client> clients = new ArrayList<>();
    private final List<EchoServer> served = new ArrayList<>();
    private final List<Sink> sinks = new ArrayList<>();
    private long clientsOpened;
    private long exchangesCompleted;
    private long connectionsFailed;

    ValidTraffic(StackHost victim, int victimAddress, StackHost peer, int peerAddress, ByteBufAllocator allocator) {
        this.victim = victim;
        this.victimAddress = victimAddress;
        this.peer = peer;
        this.peerAddress = peerAddress;
        this.allocator = allocator;
        for (int port : ECHO_PORTS) {
            listeners.add(victim.engine.listen(victimAddress, port, 64, this::acceptEcho));
        }
        sinkListener = peer.engine.listen(peerAddress, SINK_PORT, 64, this::acceptSink);
    }

    private void acceptEcho(TcpListener listener) {
        EchoServer server = new EchoServer();
        while (listener.accept(server) != null) {
            served.add(server);
            server = new EchoServer();
        }
    }

    private void acceptSink(TcpListener listener) {
        Sink sink = new Sink();
        while (listener.accept(sink) != null) {
            sinks.add(sink);
            sink = new Sink();
        }
    }

    /** Opens clients up to their numbers, now and then, and now and then aborts one. */
    void step(SplittableRandom random) {
        clients.removeIf(Client::isClosed);
        served.removeIf(server -> server.closed);
        sinks.removeIf(sink -> sink.closed);
        int fromPeer = 0;
        for (Client client : clients) {
            if (client.connection.engine() == peer.engine) {
                fromPeer++;
            }
        }
        if (fromPeer < PEER_CLIENTS && random.nextInt(4) == 0) {
            open(peer, peerAddress, victimAddress, ECHO_PORTS[random.nextInt(ECHO_PORTS.length)], random, true);
        }
        if (clients.size() - fromPeer < VICTIM_CLIENTS && random.nextInt(8) == 0) {
            open(victim, victimAddress, peerAddress, SINK_PORT, random, false);
        }
        if (!clients.isEmpty() && random.nextInt(200) == 0) {
            clients.get(random.nextInt(clients.size())).connection.abort();
        }
    }

    private void open(StackHost host, int from, int to, int port, SplittableRandom random, boolean echoed) {
        byte[] data = new byte[random.nextInt(MAX_BYTES + 1)];
        random.nextBytes(data);
        Client client = new Client(data, echoed);
        try {
            client.connection = host.engine.connect(from, to, port, client);
        } catch (IllegalStateException tableFullOrNoPort) {
            // A flood of fuzzed SYNs may have filled the table: the stack refused, as it should; try later.
            return;
        }
        clientsOpened++;
        clients.add(client);
    }

    /** Closes every connection of every application, as applications shutting down do. */
    void closeAll() {
        for (Client client : new ArrayList<>(clients)) {
            if (!client.closed) {
                client.connection.close();
            }
        }
        for (EchoServer server : new ArrayList<>(served)) {
            if (!server.closed) {
                server.connection.close();
            }
        }
        // A sink whose client vanished (its RST lost on the link) would otherwise wait forever, as an idle
        // connection without keep-alive does.
        for (Sink sink : new ArrayList<>(sinks)) {
            if (!sink.closed) {
                sink.connection.close();
            }
        }
    }

    /** A peer client of {@code bytes} random bytes to an echo server, for the check after the run. */
    Client openEchoClient(int bytes, SplittableRandom random) {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        Client client = new Client(data, true);
        client.connection = peer.engine.connect(peerAddress, victimAddress, ECHO_PORTS[0], client);
        clients.add(client);
        return client;
    }

    /** The echo servers' listeners on the stack under fuzz. */
    List<TcpListener> listeners() {
        return listeners;
    }

    void closeListeners() {
        for (TcpListener listener : listeners) {
            listener.close();
        }
        sinkListener.close();
    }

    long clientsOpened() {
        return clientsOpened;
    }

    /** Clients that closed cleanly having received as many bytes as expected. */
    long exchangesCompleted() {
        return exchangesCompleted;
    }

    /** Connections, of clients or servers, that ended in a reset or a timeout. */
    long connectionsFailed() {
        return connectionsFailed;
    }

    /** Writes its data at once, then FIN; closes when the other side has shut down; keeps what it receives. */
    final class Client implements TcpConnectionEvents {
        final byte[] sent;
        private final boolean echoed;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        TcpConnection connection;
        boolean closed;
        Throwable cause;

        Client(byte[] sent, boolean echoed) {
            this.sent = sent;
            this.echoed = echoed;
        }

        byte[] received() {
            return received.toByteArray();
        }

        boolean isClosed() {
            return closed;
        }

        @Override
        public void onEstablished(TcpConnection connection) {
            ByteBuf data = allocator.buffer(sent.length);
            data.writeBytes(sent);
            connection.write(data);
            connection.flush();
            connection.shutdownOutput();
        }

        @Override
        public void onData(TcpConnection connection, ByteBuf data) {
            try {
                if (echoed && received.size() < sent.length) {
                    byte[] bytes = new byte[Math.min(data.readableBytes(), sent.length - received.size())];
                    data.getBytes(data.readerIndex(), bytes);
                    received.writeBytes(bytes);
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void onReadComplete(TcpConnection connection) {
        }

        @Override
        public void onPeerShutdown(TcpConnection connection) {
            connection.close();
        }

        @Override
        public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        }

        @Override
        public void onClosed(TcpConnection connection, Throwable cause) {
            closed = true;
            this.cause = cause;
            if (cause != null) {
                connectionsFailed++;
            } else if (!echoed || received.size() == sent.length) {
                exchangesCompleted++;
            }
        }
    }

    /** Sends back what it receives, and closes once the client has. */
    private final class EchoServer implements TcpConnectionEvents {
        TcpConnection connection;
        boolean closed;

        @Override
        public void onEstablished(TcpConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onData(TcpConnection connection, ByteBuf data) {
            connection.write(data);
        }

        @Override
        public void onReadComplete(TcpConnection connection) {
            connection.flush();
        }

        @Override
        public void onPeerShutdown(TcpConnection connection) {
            connection.flush();
            connection.close();
        }

        @Override
        public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        }

        @Override
        public void onClosed(TcpConnection connection, Throwable cause) {
            closed = true;
            if (cause != null) {
                connectionsFailed++;
            }
        }
    }

    /** Discards what it receives, and closes once the client has. */
    private static final class Sink implements TcpConnectionEvents {
        TcpConnection connection;
        boolean closed;

        @Override
        public void onEstablished(TcpConnection connection) {
            this.connection = connection;
        }

        @Override
        public void onData(TcpConnection connection, ByteBuf data) {
            data.release();
        }

        @Override
        public void onReadComplete(TcpConnection connection) {
        }

        @Override
        public void onPeerShutdown(TcpConnection connection) {
            connection.close();
        }

        @Override
        public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        }

        @Override
        public void onClosed(TcpConnection connection, Throwable cause) {
            closed = true;
        }
    }
}
