package io.usertcp.codec.golden;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Puts the test's display name (capture, frame number, what the frame is) in front of its failure, because
 * Maven's console and XML reports name a parameterized invocation only by its index.
 */
final class FrameNameOnFailure implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) {
        String cause = failure instanceof AssertionError ? failure.getMessage() : failure.toString();
        throw new AssertionError(context.getDisplayName() + ": " + cause, failure);
    }
}
