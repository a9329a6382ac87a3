package io.usersync.app.run;

/** One stage's health as /health reports it. */
public record StageHealth(String stage, boolean up, String reason) {
}
