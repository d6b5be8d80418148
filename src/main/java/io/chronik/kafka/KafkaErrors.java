package io.chronik.kafka;

import io.chronik.common.ChronikException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps failures to Kafka error codes: a {@link ChronikException} to the {@link Errors} of its code (with its message),
 * a kafka-clients {@link ApiException} to its own error, anything else to UNKNOWN_SERVER_ERROR (logged, because it is
 * a bug or an unexpected fault).
 */
public final class KafkaErrors {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaErrors.class);

    private KafkaErrors() {
    }

    /** The Kafka error for a failure. */
    public static Errors of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ChronikException c) {
            return Errors.forCode(c.error().code());
        }
        if (t instanceof ApiException) {
            return Errors.forException(t);
        }
        LOG.error("Unexpected failure answered as UNKNOWN_SERVER_ERROR", t);
        return Errors.UNKNOWN_SERVER_ERROR;
    }

    /** The failure as the kafka-clients exception of its error, keeping its message. */
    public static ApiException toApiException(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException api) {
            return api;
        }
        Errors error = of(t);
        if (t instanceof ChronikException) {
            return error.exception(t.getMessage());
        }
        return new UnknownServerException("Unexpected server error: " + t.getClass().getSimpleName());
    }

    /** The message to put in a response's error-message field: the failure's own unless it is unexpected. */
    public static String message(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof ChronikException || t instanceof ApiException ? t.getMessage() : null;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
