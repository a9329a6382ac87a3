package io.usersync.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;

/**
 * The HTTP surface under abuse, against the real server over real sockets: slow and stalled clients, oversized
 * bodies, more /sync callers than permits, and where the server listens by default.
 */
class OpsServerLimitsTest {

    private static final String SECRET = "a-test-jwt-secret-of-at-least-32-characters!";
    private static final UUID USER = UUID.randomUUID();
    private static final Duration ANSWERED = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Socket> sockets = new ArrayList<>();
    private final CountDownLatch rowWritten = new CountDownLatch(1);
    private final CountDownLatch waiting = new CountDownLatch(1);
    private OpsServer server;

    @AfterEach
    void stop() throws IOException {
        rowWritten.countDown();
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Resyncs succeed; waiting for the row blocks until the test says it was written, or the wait ends. */
    private final class WaitingSync implements SyncService {
        @Override
        public boolean exists(UUID userId) {
            return userId.equals(USER);
        }

        @Override
        public String resyncUser(UUID userId) {
            return "signal-1";
        }

        @Override
        public String resyncAll() {
            return "signal-1";
        }

        @Override
        public Optional<String> awaitRow(UUID userId, Instant since, Duration wait) throws InterruptedException {
            waiting.countDown();
            return rowWritten.await(wait.toMillis(), TimeUnit.MILLISECONDS)
                    ? Optional.of("{\"id\":\"" + userId + "\"}") : Optional.empty();
        }
    }

    private void start(String bind, Duration readTimeout, int maxConcurrentSyncs) throws IOException {
        server = new OpsServer(new OpsServer.Config(bind, 0, readTimeout, maxConcurrentSyncs), List::of,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new JwtAuthenticator(Optional.of(SECRET), Optional.empty(), "service_role", Optional.empty(), Optional.empty()),
                new WaitingSync());
    }

    private static String token() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("ops")
                .claim("role", "service_role").expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(ANSWERED).build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postSync(String query) throws Exception {
        return client.sendAsync(HttpRequest.newBuilder(uri("/sync" + query)).header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + USER + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A raw connection that has sent {@code bytes} and then goes quiet. */
    private Socket send(String bytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        sockets.add(socket);
        socket.setSoTimeout((int) ANSWERED.toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    /** Everything the server sends until it closes the connection; fails if it neither answers nor closes in time. */
    private static String readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (java.net.SocketException reset) {
            // closed with unread input: a reset is a close too
        }
        return text.toString();
    }

    @Test
    void shouldAnswerHealthWhileMoreSlowClientsThanThreadsHoldHalfARequest() throws Exception {
        start("127.0.0.1", Duration.ofSeconds(60), 1);
        for (int i = 0; i < 40; i++) {
            send(i % 2 == 0 ? "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                    : "POST /sync HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token() + "\r\n");
        }

        await().atMost(ANSWERED).untilAsserted(() -> assertThat(get("/health").statusCode()).isEqualTo(200));
        assertThat(sockets).allSatisfy(socket -> assertThat(socket.isClosed()).isFalse());
    }

    @Test
    void shouldCloseAConnectionWhoseRequestHeadStalls() throws Exception {
        start("127.0.0.1", Duration.ofMillis(300), 1);
        Socket slow = send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");

        String answer = readUntilClosed(slow);

        assertThat(answer).doesNotContain("\"status\"");
    }

    @Test
    void shouldCutOffASyncWhoseBodyNeverArrives() throws Exception {
        start("127.0.0.1", Duration.ofMillis(300), 1);
        Socket stalled = send("POST /sync HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token()
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"userId\":");

        String answer = readUntilClosed(stalled);

        assertThat(answer).satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 408"));
        // The permit the stalled request held is free again.
        assertThat(postSync("").get(ANSWERED.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldAnswer413ForADeclaredOversizedBodyWithoutReadingIt() throws Exception {
        start("127.0.0.1", Duration.ofSeconds(60), 1);
        Socket big = send("POST /sync HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token()
                + "\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"userId\":\"");

        String answer = readUntilClosed(big);

        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\"");
    }

    @Test
    void shouldAnswer413ForAChunkedBodyThatGrowsPastTheLimit() throws Exception {
        start("127.0.0.1", Duration.ofSeconds(60), 1);
        String chunk = "x".repeat(8 * 1024);
        String chunks = (Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").repeat(3);
        Socket big = send("POST /sync HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);

        String answer = readUntilClosed(big);

        assertThat(answer).startsWith("HTTP/1.1 413");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenEverySyncPermitIsTaken() throws Exception {
        start("127.0.0.1", Duration.ofSeconds(60), 1);
        CompletableFuture<HttpResponse<String>> first = postSync("?wait=30s");
        assertThat(waiting.await(ANSWERED.toSeconds(), TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> second = postSync("").get(ANSWERED.toSeconds(), TimeUnit.SECONDS);

        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(get("/health").statusCode()).isEqualTo(200);
        rowWritten.countDown();
        assertThat(first.get(ANSWERED.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldNotCutOffASyncThatWaitsLongerThanTheReadTimeout() throws Exception {
        start("127.0.0.1", Duration.ofMillis(200), 1);

        HttpResponse<String> response = postSync("?wait=1s").get(ANSWERED.toSeconds(), TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void shouldListenOnLoopbackOnlyByDefault() throws Exception {
        AppConfig defaults = ConfigLoader.load(Map.of(), Map.of());
        start(defaults.http().surface().bindAddress(), defaults.http().surface().readTimeout(), defaults.http().surface().maxConcurrentSyncs());

        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        for (InetAddress address : nonLoopbackAddresses()) {
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, server.port()), (int) ANSWERED.toMillis());
                }
            }).as("connect to %s", address).isInstanceOf(ConnectException.class);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                Collections.list(nic.getInetAddresses()).stream().filter(Inet4Address.class::isInstance).forEach(addresses::add);
            }
        }
        return addresses;
    }
}
