package io.usertcp.tcp.handler;

import io.netty.channel.ChannelPipeline;
import io.usertcp.tcp.TcpEngine;

/** Installs the four TCP handlers of the stack pipeline under their names, in order, at the pipeline's end. */
public final class TcpHandlers {
    private TcpHandlers() {
    }

    public static void addLast(ChannelPipeline pipeline, TcpEngine engine) {
        pipeline.addLast(TcpDemuxHandler.NAME, new TcpDemuxHandler(engine));
        pipeline.addLast(TcpStateHandler.NAME, new TcpStateHandler(engine));
        pipeline.addLast(TcpRetransmissionHandler.NAME, new TcpRetransmissionHandler(engine));
        pipeline.addLast(TcpCongestionHandler.NAME, new TcpCongestionHandler());
    }
}
