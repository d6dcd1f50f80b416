package io.usertcp.codec.fuzz;

/** A valid frame the mutator starts from, named for failure messages. */
public record SeedFrame(String name, byte[] bytes) {
}
