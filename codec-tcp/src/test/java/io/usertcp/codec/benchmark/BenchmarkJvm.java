package io.usertcp.codec.benchmark;

/** JVM options shared by the codec benchmarks' forks. */
final class BenchmarkJvm {
    /**
     * Netty samples buffers for leak tracking by default, and a sampled buffer reads through a wrapper. The
     * benchmarks allocate their few buffers once in setup, so sampling would make some runs measure the
     * wrapper and others not; with it off every run measures the bare pooled buffer.
     */
    static final String LEAK_DETECTION_OFF = "-Dio.netty.leakDetection.level=disabled";

    private BenchmarkJvm() {
    }
}
