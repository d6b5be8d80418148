package io.chronik.common;

/** A request-level failure with the precise Kafka error code to answer and a message naming the problem. */
public class ChronikException extends RuntimeException {
    private final ErrorCode error;

    public ChronikException(ErrorCode error, String message) {
        super(message);
        this.error = error;
    }

    public ErrorCode error() {
        return error;
    }
}
