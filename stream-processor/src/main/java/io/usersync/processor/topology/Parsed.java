package io.usersync.processor.topology;

/** The result of parsing an input record: the value, or the original bytes bound for the dead-letter topic. */
record Parsed<T>(T value, byte[] original) {

    static <T> Parsed<T> ok(T value) {
        return new Parsed<>(value, null);
    }

    static <T> Parsed<T> deadLetter(byte[] original) {
        return new Parsed<>(null, original);
    }

    boolean failed() {
        return value == null;
    }
}
