package io.usersync.app;

import picocli.CommandLine;

/** {@code java -jar usersync.jar <command>}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new UsersyncCommand())
                .setExecutionExceptionHandler(UsersyncCommand::reportFailure)
                .execute(args));
    }
}
