package io.chronik.cli;

/** The Chronik release, from the jar manifest's {@code Implementation-Version} (written by the Maven build). */
final class ChronikVersion {

    /** Used when the classes do not come from the packaged jar (an IDE, the test class path). */
    static final String UNPACKAGED = "0.1.0-dev";

    private ChronikVersion() {
    }

    static String current() {
        String version = ChronikVersion.class.getPackage().getImplementationVersion();
        return version != null ? version : UNPACKAGED;
    }

    /** The Java runtime this process runs on, e.g. {@code Java 25.0.3 (Eclipse Adoptium, /usr/lib/jvm/...)}. */
    static String javaRuntime() {
        return "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")";
    }
}
