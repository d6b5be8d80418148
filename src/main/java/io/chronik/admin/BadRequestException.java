package io.chronik.admin;

/** A request the admin API rejects with 400 and this message; never logged with a stack trace. */
final class BadRequestException extends RuntimeException {

    BadRequestException(String message) {
        super(message, null, false, false);
    }
}
