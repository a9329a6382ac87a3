package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.usersync.app.demo.DemoCommand;
import picocli.CommandLine;

/** The demo's terminal is for a person: where things run, progress and the summary; the pipeline's log goes to a file. */
class QuietDemoIT {

    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;

    /** As in {@code java -jar usersync.jar demo}: the production logback.xml, until the demo points the log at its file. */
    @BeforeEach
    void useTheProductionLogConfiguration() throws Exception {
        configure("logback.xml");
    }

    @AfterEach
    void restore() throws Exception {
        System.setOut(stdout);
        System.setErr(stderr);
        configure("logback-test.xml");
    }

    private static void configure(String resource) throws JoranException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(QuietDemoIT.class.getClassLoader().getResource(resource));
    }

    @Test
    void shouldPrintOnlyWhereThingsRunProgressAndTheSummaryAndWriteThePipelinesLogToItsFile(@TempDir Path directory)
            throws Exception {
        Path log = directory.resolve("demo.log");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(new DemoCommand()).execute("--users", "40", "--rate", "200", "--log-file", log.toString());

        String terminal = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(terminal).contains("their log: " + log.toAbsolutePath()).contains("PostgreSQL  jdbc:postgresql://127.0.0.1:")
                .contains("Kafka       127.0.0.1:").contains("Operations  http://127.0.0.1:").contains("usersync demo summary");
        assertThat(terminal).doesNotContainPattern("(INFO|WARN|ERROR)  ?\\[").doesNotContain("USERSYNC_DB_USER=");
        assertThat(Files.readString(log)).contains("Starting usersync with:").contains("Pipeline running stages");
    }
}
