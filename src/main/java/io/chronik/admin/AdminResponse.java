package io.chronik.admin;

/**
 * An answer of the admin API: an HTTP status and a JSON body.
 *
 * @param status   the HTTP status
 * @param body     the JSON body
 * @param answeredBy the node that produced the answer (differs from the receiving node when it was forwarded)
 */
record AdminResponse(int status, byte[] body, int answeredBy) {

    static AdminResponse ok(Object value, int node) {
        return new AdminResponse(200, AdminJson.write(value), node);
    }

    static AdminResponse error(int status, String message, int node) {
        return new AdminResponse(status, AdminJson.error(message), node);
    }
}
