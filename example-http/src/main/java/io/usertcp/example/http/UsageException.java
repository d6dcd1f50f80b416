package io.usertcp.example.http;

/** A command line the server cannot run with; the message says what is wrong, for the user. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
