package io.usersync.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.ConfigOptions;
import io.usersync.app.config.Setting;
import io.usersync.app.deadletter.AlertsService;
import io.usersync.app.deadletter.WebhookNotifier;
import io.usersync.schemas.TopicNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Consumes the dead-letter topic (consumer group usersync-alerts): logs each dead letter and posts",
                "one alert per stage and reason per window to USERSYNC_ALERT_WEBHOOK_URL (Slack-compatible).",
                "Example: USERSYNC_ALERT_WEBHOOK_URL=https://hooks.slack.com/services/... usersync alerts"})
final class AlertsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--attempts", description = "webhook attempts per alert before it is dropped and logged;"
            + " overrides USERSYNC_ALERT_WEBHOOK_ATTEMPTS (default " + WebhookNotifier.DEFAULT_ATTEMPTS + ")")
    Integer attempts;

    @Override
    public Integer call() throws InterruptedException {
        AppConfig config = CommandSupport.requireExternal(attempts == null ? options.load()
                : options.load(Map.of(Setting.ALERT_WEBHOOK_ATTEMPTS.variable(), Integer.toString(attempts))));
        AppConfig.Operations operations = config.operations();
        WebhookNotifier notifier = new WebhookNotifier(operations.alertWebhookUrl().orElseThrow(() -> new ConfigException(List.of(
                Setting.ALERT_WEBHOOK_URL.variable() + " is required for alerts: set it to a Slack-compatible webhook URL."))),
                operations.alertWebhookAttempts(), Duration.ofSeconds(1));
        AlertsService service = new AlertsService(config.kafka(), TopicNames.DEAD_LETTERS, operations.alertWindow(),
                operations.alertMinDeadLetters(), notifier);
        service.start();
        System.out.printf("Alerting on %s every %ds. Ctrl-C to stop.%n", TopicNames.DEAD_LETTERS, operations.alertWindow().toSeconds());
        CommandSupport.runUntilStopped(service, "usersync-alerts");
        return 0;
    }
}
