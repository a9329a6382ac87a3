package io.usersync.app.deadletter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSTs alerts to a webhook, retrying with exponential backoff; gives up after a number of attempts. */
public final class WebhookNotifier {

    public static final int DEFAULT_ATTEMPTS = 5;

    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final int attempts;
    private final Duration firstBackoff;

    public WebhookNotifier(URI url, int attempts, Duration firstBackoff) {
        this.url = url;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
    }

    /** @return true when the webhook took the alert; false when it was dropped after every attempt (logged) */
    public boolean send(Alert alert) throws InterruptedException {
        Duration backoff = firstBackoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(alert.webhookBody())).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return true;
                }
                log.warn("Alert webhook answered {} (attempt {} of {})", response.statusCode(), attempt, attempts);
            } catch (IOException e) {
                log.warn("Alert webhook unreachable: {} (attempt {} of {})", e.getClass().getSimpleName(), attempt, attempts);
            }
            if (attempt < attempts) {
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2);
            }
        }
        log.error("ALERT dropped after {} attempts: {} dead letters from {} ({}), first seen {}", attempts, alert.count(),
                alert.stage(), alert.reason(), alert.firstSeen());
        return false;
    }
}
