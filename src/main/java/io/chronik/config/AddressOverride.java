package io.chronik.config;

/**
 * An address written as {@code host} or {@code host:port} ({@code [v6]} or {@code [v6]:port} for IPv6, or a bare
 * IPv6 address without a port). Applied over a lower-precedence address, a host-only value replaces the host and
 * keeps that address's port.
 *
 * @param host the host
 * @param port the port, or -1 when the value had none
 */
record AddressOverride(String host, int port) {

    /**
     * Parses the value; {@code what} names where it came from for the error message (e.g. {@code CHRONIK_BIND}).
     *
     * @throws ConfigException when the value is empty or its port is not a number in 0-65535
     */
    static AddressOverride parse(String text, String what) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new ConfigException(what + " is empty (expected host or host:port)");
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 2) {
                throw new ConfigException(what + " = '" + text + "' is not host or host:port");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new AddressOverride(host, -1);
            }
            if (!rest.startsWith(":")) {
                throw new ConfigException(what + " = '" + text + "' is not host or host:port");
            }
            return new AddressOverride(host, port(rest.substring(1), text, what));
        }
        int first = s.indexOf(':');
        if (first < 0 || first != s.lastIndexOf(':')) {
            return new AddressOverride(s, -1); // a host name, or an IPv6 address without brackets and port
        }
        if (first == 0) {
            throw new ConfigException(what + " = '" + text + "' has no host (expected host or host:port)");
        }
        return new AddressOverride(s.substring(0, first), port(s.substring(first + 1), text, what));
    }

    /** This address over {@code base}: the host always, the port when this value has one. */
    HostPort over(HostPort base) {
        return new HostPort(host, port >= 0 ? port : base.port());
    }

    private static int port(String digits, String text, String what) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(what + " = '" + text + "' has port '" + digits
                + "', expected a number in 0-65535");
    }
}
