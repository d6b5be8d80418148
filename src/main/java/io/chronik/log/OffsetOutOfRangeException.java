package io.chronik.log;

/** A read asked for an offset outside [logStartOffset, logEndOffset]. */
public final class OffsetOutOfRangeException extends RuntimeException {
    public OffsetOutOfRangeException(String message) {
        super(message);
    }
}
