package io.usersync.capture.preflight;

import java.util.List;

/** Capture cannot start; the message lists every problem found and how to fix each. */
public final class CaptureStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public CaptureStartupException(List<String> problems) {
        super("capture cannot start:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
