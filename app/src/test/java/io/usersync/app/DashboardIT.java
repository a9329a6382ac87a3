package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageHealth;

/**
 * {@code /metrics.json} and {@code /dashboard} against a running app on the embedded Kafka and PostgreSQL: the
 * JSON on its own, the page in headless Chromium while sign-ups flow, and the Grafana dashboard and Prometheus
 * alert rules of {@code deploy/} against the app's own {@code /metrics}.
 */
class DashboardIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
    private static final String CHROMIUM = System.getenv().getOrDefault("USERSYNC_TEST_CHROMIUM", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getenv().getOrDefault("USERSYNC_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Metrics Prometheus makes itself rather than scraping them. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Pattern METRIC = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\b");
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "max", "min", "avg", "count", "rate", "increase", "deriv",
            "delta", "histogram_quantile", "time", "vector", "by", "without", "and", "or", "unless", "on", "ignoring",
            "bool", "offset", "abs", "changes", "timestamp");

    private static Application application;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static UUID deadLetterUser;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-dashboard-it").toString(),
                "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_RECONCILE_INTERVAL_S", "0"), Map.of()));
        await().atMost(Duration.ofMinutes(1)).until(() -> application.pipeline().health().stream().allMatch(StageHealth::up));
        deadLetterUser = signUp("dashboard-unreadable@example.com", "[1, 2]");
        await().atMost(Duration.ofMinutes(1)).until(() -> metricsJson().at("/deadLetters/latest").findValuesAsText("userId")
                .contains(deadLetterUser.toString()));
    }

    @AfterAll
    static void stop() {
        application.close();
    }

    @Test
    void shouldServeEveryFigureOfTheDashboardAsJson() throws Exception {
        for (int i = 0; i < 20; i++) {
            signUp("dashboard-json-" + i + "@example.com", "{\"full_name\":\"Dashboard Person " + i + "\"}");
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> metricsJson().at("/synced/total").asLong() >= 20
                && metricsJson().at("/synced/perSecond").asDouble() > 0);

        JsonNode body = metricsJson();

        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("stages").findValuesAsText("stage")).containsExactlyInAnyOrder("capture", "process", "sink");
        assertThat(body.get("stages").findValuesAsText("status")).containsOnly("UP");
        assertThat(body.at("/synced/lastMinute").asLong()).isPositive();
        assertThat(body.at("/synced/lastSyncedAt").isTextual()).isTrue();
        assertThat(body.at("/successRate/sinceStartPercent").asDouble()).isBetween(90.0, 100.0);
        assertThat(body.at("/latency/commitToRowMs/p50").isNumber()).isTrue();
        assertThat(body.at("/latency/commitToRowMs/p99").asDouble()).isGreaterThanOrEqualTo(body.at("/latency/commitToRowMs/p50").asDouble());
        assertThat(body.at("/latency/stages/process/recordAvgMs").isNumber()).isTrue();
        assertThat(body.at("/latency/stages/sink/batchWriteMeanMs").isNumber()).isTrue();
        assertThat(body.at("/consumerLag/process").isNumber()).isTrue();
        assertThat(body.at("/consumerLag/sink").isNumber()).isTrue();
        assertThat(body.at("/replicationSlotLagBytes").isNumber()).isTrue();
        assertThat(body.at("/history/syncedPerSecond").size()).isPositive();
    }

    @Test
    void shouldListDeadLettersByStageAndReasonWithoutPersonalData() throws Exception {
        JsonNode deadLetters = metricsJson().get("deadLetters");

        assertThat(deadLetters.get("byStageAndReason")).anySatisfy(count -> {
            assertThat(count.get("stage").asText()).isEqualTo("stream-processor");
            assertThat(count.get("reason").asText()).isEqualTo("unreadable-metadata");
        });
        JsonNode letter = deadLetters.get("latest").get(0);
        assertThat(letter.get("userId").asText()).isEqualTo(deadLetterUser.toString());
        assertThat(letter.get("sourceTopic").asText()).isEqualTo("usersync.auth.users.cdc");
        assertThat(letter.get("id").asText()).matches("\\d+:\\d+");
        assertThat(get("/metrics.json").body()).doesNotContain("@", "example.com", "Dashboard Person");
        assertThat(get("/metrics").body()).contains("usersync_dlt_records_total{reason=\"unreadable-metadata\",stage=\"stream-processor\"}");
    }

    @Test
    void shouldServeASelfContainedPageUnderAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/dashboard");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'"));
        for (String path : List.of("/dashboard", "/dashboard/dashboard.js", "/dashboard/dashboard.css")) {
            HttpResponse<String> asset = get(path);
            assertThat(asset.statusCode()).as(path).isEqualTo(200);
            assertThat(asset.body()).as(path + " loads nothing from another host").doesNotContain("http://", "https://", "//cdn");
        }
        assertThat(http.send(HttpRequest.newBuilder(uri("/metrics.json")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void shouldShowLiveFiguresInChromiumThatMatchMetricsJson() throws Exception {
        long started = System.nanoTime();
        Path profile = Files.createTempDirectory("usersync-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1200,960");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ScheduledExecutorService signUps = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger signedUp = new AtomicInteger();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            signUps.scheduleAtFixedRate(() -> {
                int i = signedUp.getAndIncrement();
                try {
                    signUp("browser-" + i + "@example.com", "{\"full_name\":\"Browser Person " + i + "\"}");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            browser.get(application.dashboardUrl());

            long first = await().atMost(Duration.ofSeconds(30)).until(() -> pageNumber(browser, "synced-total"), n -> n != null && n > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> pageNumber(browser, "synced-total"), n -> n != null && n > first);
            await().atMost(Duration.ofSeconds(30)).until(() -> pageNumber(browser, "synced-per-second"), n -> n != null && n > 0);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertPageWithin(browser, Set.of("synced.total", "deadLetters.total")));
            assertThat(browser.findElement(By.id("chart-line")).getAttribute("points")).isNotBlank();
            // While sign-ups flow: what a newcomer sees, and what docs/dashboard.md shows.
            Path screenshot = Path.of("target", "dashboard.png");
            Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
            assertThat(screenshot).isNotEmptyFile();

            signUps.shutdownNow();
            assertThat(signUps.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                JsonNode now = metricsJson();
                return now.at("/synced/perSecond").asDouble() == 0 && now.at("/consumerLag/sink").asLong() == 0;
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertPageWithin(browser, null));
            JsonNode now = metricsJson();
            // The page redraws these rows at every refresh: an element found just before a redraw is gone when read,
            // so each is found again until it is read whole.
            for (JsonNode stage : now.get("stages")) {
                await().atMost(Duration.ofSeconds(10)).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                        assertThat(browser.findElement(By.id("stage-" + stage.get("stage").asText())).getText())
                                .contains(stage.get("status").asText(), stage.get("reason").asText()));
            }
            await().atMost(Duration.ofSeconds(10)).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("dead-letter-latest")).getText())
                            .contains(deadLetterUser.toString(), "unreadable-metadata"));
            assertThat(browser.getPageSource()).doesNotContain("@example.com", "Browser Person");
        } finally {
            signUps.shutdownNow();
            browser.quit();
            System.out.printf("DashboardIT: the browser test took %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }

    @Test
    void shouldQueryOnlyMetricsTheRunningAppExportsInGrafanaAndTheAlertRules() throws Exception {
        JsonNode grafana = JSON.readTree(REPOSITORY.resolve("deploy/grafana/dashboards/usersync.json").toFile());
        JsonNode alerts = YAML.readTree(REPOSITORY.resolve("deploy/prometheus/alerts.yml").toFile());
        List<String> expressions = new ArrayList<>(grafana.findValuesAsText("expr"));
        List<String> alertNames = new ArrayList<>();
        for (JsonNode rule : alerts.at("/groups/0/rules")) {
            expressions.add(rule.get("expr").asText());
            alertNames.add(rule.get("alert").asText());
            assertThat(rule.at("/labels/severity").asText()).as(rule.get("alert").asText()).isIn("warning", "critical");
            assertThat(rule.at("/annotations/summary").asText()).isNotBlank();
        }
        Set<String> exported = exportedMetricNames(get("/metrics").body());

        assertThat(grafana.get("panels").size()).isGreaterThanOrEqualTo(10);
        assertThat(alertNames).containsExactlyInAnyOrder("UsersyncStageDown", "UsersyncNoActiveCapture", "UsersyncDeadLettersHigh",
                "UsersyncConsumerLagGrowing", "UsersyncReplicationSlotLagHigh", "UsersyncNoSyncWhileSignUps");
        for (String expression : expressions) {
            Set<String> names = metricNames(expression);
            assertThat(names).as(expression).isNotEmpty();
            names.removeAll(PROMETHEUS_OWN);
            assertThat(exported).as("metrics of " + expression).containsAll(names);
        }
        assertThat(Files.readString(REPOSITORY.resolve("docs/dashboard.md"))).contains(alertNames);
    }

    @Test
    void shouldWireTheAlertRulesAndGrafanaIntoDockerCompose() throws Exception {
        JsonNode compose = YAML.readTree(REPOSITORY.resolve("docker-compose.yml").toFile());
        JsonNode prometheus = YAML.readTree(REPOSITORY.resolve("deploy/prometheus.yml").toFile());
        JsonNode provider = YAML.readTree(REPOSITORY.resolve("deploy/grafana/provisioning/dashboards/usersync.yml").toFile());
        JsonNode datasource = YAML.readTree(REPOSITORY.resolve("deploy/grafana/provisioning/datasources/prometheus.yml").toFile());
        JsonNode grafana = JSON.readTree(REPOSITORY.resolve("deploy/grafana/dashboards/usersync.json").toFile());

        assertThat(texts(compose.at("/services/prometheus/volumes")))
                .contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        assertThat(texts(prometheus.get("rule_files"))).containsExactly("/etc/prometheus/alerts.yml");
        assertThat(texts(compose.at("/services/grafana/volumes"))).containsExactlyInAnyOrder(
                "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro");
        assertThat(provider.at("/providers/0/options/path").asText()).isEqualTo("/var/lib/grafana/dashboards");
        assertThat(grafana.findValuesAsText("uid")).containsOnly("usersync", datasource.at("/datasources/0/uid").asText());
    }

    /** Metric names in a PromQL expression: identifiers outside strings, label matchers and by/without lists. */
    static Set<String> metricNames(String expression) {
        String bare = expression.replaceAll("\"[^\"]*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "")
                .replaceAll("\\[[^\\]]*]", "");
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(bare);
        while (matcher.find()) {
            String word = matcher.group(1);
            if (!PROMQL_WORDS.contains(word) && !word.matches("\\d.*")) {
                names.add(word);
            }
        }
        return names;
    }

    private static Set<String> exportedMetricNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            texts.add(it.next().asText());
        }
        return texts;
    }

    /**
     * Each figure on the page (those named in {@code only}, or all) lies between /metrics.json read before the page
     * rendered and read after it, rounded as the page rounds it: the page shows what the endpoint serves.
     */
    private static void assertPageWithin(ChromeDriver browser, Set<String> only) throws Exception {
        JsonNode before = metricsJson();
        await().atMost(Duration.ofSeconds(10)).until(() -> pageUpdatedAt(browser) >= before.get("generatedAtMs").asLong());
        List<WebElement> elements = browser.findElements(By.cssSelector("[data-metric]"));
        List<String[]> shown = new ArrayList<>();
        for (WebElement element : elements) {
            shown.add(new String[] {element.getAttribute("data-metric"), element.getAttribute("data-decimals"), element.getText()});
        }
        JsonNode after = metricsJson();
        assertThat(shown).hasSizeGreaterThanOrEqualTo(14);
        for (String[] figure : shown) {
            if (only != null && !only.contains(figure[0])) {
                continue;
            }
            String pointer = "/" + figure[0].replace('.', '/');
            int decimals = Integer.parseInt(figure[1]);
            BigDecimal low = rounded(before.at(pointer), decimals);
            BigDecimal high = rounded(after.at(pointer), decimals);
            BigDecimal onPage = figure[2].equals("–") ? null : new BigDecimal(figure[2].replace(",", ""));
            if (low == null && high == null) {
                assertThat(onPage).as(figure[0]).isNull();
                continue;
            }
            assertThat(onPage).as(figure[0] + " shows " + figure[2] + ", /metrics.json " + low + " then " + high).isNotNull();
            BigDecimal min = low == null ? high : high == null ? low : low.min(high);
            BigDecimal max = low == null ? high : high == null ? low : low.max(high);
            assertThat(onPage).as(figure[0] + " between /metrics.json " + low + " and " + high).isBetween(min, max);
        }
    }

    private static BigDecimal rounded(JsonNode value, int decimals) {
        return value.isNumber() ? value.decimalValue().setScale(decimals, RoundingMode.HALF_UP) : null;
    }

    private static long pageUpdatedAt(ChromeDriver browser) {
        String value = browser.findElement(By.id("updated")).getAttribute("data-value");
        return value == null ? 0 : Long.parseLong(value);
    }

    private static Long pageNumber(ChromeDriver browser, String id) {
        String text = browser.findElement(By.id(id)).getText();
        return text.isEmpty() || text.equals("–") ? null : new BigDecimal(text.replace(",", "")).longValue();
    }

    private static JsonNode metricsJson() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics.json");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + application.httpPort() + path);
    }

    private static UUID signUp(String email, String userMetadata) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = application.database().getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into auth.users (id, aud, role, email,"
                        + " raw_user_meta_data, raw_app_meta_data, created_at, updated_at) values (?, 'authenticated',"
                        + " 'authenticated', ?, ?::jsonb, '{\"provider\":\"email\"}', now(), now())")) {
            insert.setObject(1, id);
            insert.setString(2, email);
            insert.setString(3, userMetadata);
            insert.executeUpdate();
        }
        return id;
    }
}
