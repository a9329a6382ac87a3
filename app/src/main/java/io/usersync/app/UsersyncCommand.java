package io.usersync.app;

import io.usersync.app.bench.BenchCommand;
import io.usersync.app.config.ConfigException;
import io.usersync.app.demo.DemoCommand;
import io.usersync.capture.preflight.CaptureStartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "usersync", mixinStandardHelpOptions = true, versionProvider = UsersyncCommand.Version.class,
        description = "Keeps public.users in step with auth.users through change data capture.",
        subcommands = {RunCommand.class, DemoCommand.class, MigrateCommand.class, ResyncCommand.class,
                ReconcileCommand.class, GiveBackCommand.class, DltCommand.class, ErasureCommand.class, AlertsCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class UsersyncCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Start-up problems the user can fix are printed as they are, without a stack trace. */
    static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof ConfigException || e instanceof CaptureStartupException) {
            commandLine.getErr().println(e.getMessage());
            return 2;
        }
        commandLine.getErr().println("usersync failed: " + e);
        e.printStackTrace(commandLine.getErr());
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = UsersyncCommand.class.getPackage().getImplementationVersion();
            return new String[] {"usersync " + (version == null ? "development build" : version)};
        }
    }
}
