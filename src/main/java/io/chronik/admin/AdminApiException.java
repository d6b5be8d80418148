package io.chronik.admin;

import java.io.IOException;

/** An admin request that failed; the message is one line for the operator (the CLI prints it after "error: "). */
public final class AdminApiException extends IOException {

    private final int status;

    AdminApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the API answered, or 0 when it could not be reached. */
    public int status() {
        return status;
    }
}
