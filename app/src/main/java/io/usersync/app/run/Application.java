package io.usersync.app.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigException;
import io.usersync.app.config.Setting;
import io.usersync.app.dashboard.Dashboard;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.erasure.DeadLetterEraser;
import io.usersync.app.http.DatabaseSyncService;
import io.usersync.app.http.JwtAuthenticator;
import io.usersync.app.http.OpsServer;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.app.reconcile.PeriodicReconcile;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.ProfileTable;

/** One running usersync: embedded servers where none are configured, the stages, and the ops endpoints. */
public final class Application implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final EmbeddedServers embedded;
    private final HikariDataSource database;
    private final PrometheusMeterRegistry registry;
    private final Pipeline pipeline;
    private final Dashboard dashboard;
    private final OpsServer ops;
    private final PeriodicReconcile reconcile;
    private final DeadLetterEraser eraser;
    private final RestartTimeline timeline;

    private Application(EmbeddedServers embedded, HikariDataSource database, PrometheusMeterRegistry registry,
            Pipeline pipeline, Dashboard dashboard, OpsServer ops, PeriodicReconcile reconcile, DeadLetterEraser eraser,
            RestartTimeline timeline) {
        this.embedded = embedded;
        this.database = database;
        this.registry = registry;
        this.pipeline = pipeline;
        this.dashboard = dashboard;
        this.ops = ops;
        this.reconcile = reconcile;
        this.eraser = eraser;
        this.timeline = timeline;
    }

    public static Application start(AppConfig configured) {
        RestartTimeline timeline = RestartTimeline.begin(configured.instance().dataDir());
        log.info("Starting usersync with:\n{}", configured.describe());
        EmbeddedServers embedded;
        AppConfig config;
        try {
            embedded = EmbeddedServers.startMissing(configured);
            config = InstanceId.settle(embedded.config());
        } catch (RuntimeException e) {
            timeline.close();
            throw e;
        }
        timeline.step("embedded servers");
        HikariDataSource database = ConnectionPools.open(StageConfigs.database(config), ConnectionPools.RUN, 4);
        try {
            settleProfileFields(config, embedded, database);
        } catch (RuntimeException e) {
            close(null, null, database, embedded);
            timeline.close();
            throw e;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        Pipeline pipeline = null;
        Dashboard dashboard = null;
        try {
            pipeline = Pipeline.start(config, registry, database);
            timeline.step("stages started");
            Pipeline started = pipeline;
            dashboard = new Dashboard(registry, started::health, config.kafka(), TopicNames.DEAD_LETTERS,
                    config.sink().groupId());
            AppConfig.Http http = config.http();
            OpsServer ops = new OpsServer(new OpsServer.Config(http.surface().bindAddress(), http.port(),
                    http.surface().readTimeout(), http.surface().maxConcurrentSyncs()), started::health, registry,
                    new JwtAuthenticator(http.jwtSecret(), http.jwksUrl(), http.jwtRole(),
                            http.surface().jwtIssuer(), http.surface().jwtAudience()),
                    new DatabaseSyncService(database, StageConfigs.database(config).profileTable()), dashboard);
            AppConfig.Operations operations = config.operations();
            PeriodicReconcile reconcile = config.instance().stages().contains(AppConfig.Stage.SINK)
                    && !operations.reconcileInterval().isZero()
                    ? new PeriodicReconcile(new Reconciler(database, StageConfigs.database(config).profileTable(), operations.reconcileGrace()),
                            operations.reconcileInterval(), registry)
                    : null;
            // Where the sink runs: it records the deletes whose users' dead letters go.
            DeadLetterEraser eraser = config.instance().stages().contains(AppConfig.Stage.SINK)
                    ? new DeadLetterEraser(database, config.kafka(), TopicNames.DEAD_LETTERS, config.instance().erasureBound(),
                            Clock.systemUTC())
                    : null;
            if (eraser != null) {
                eraser.start();
            }
            timeline.logWhen(started::working);
            return new Application(embedded, database, registry, pipeline, dashboard, ops, reconcile, eraser, timeline);
        } catch (IOException e) {
            close(dashboard, pipeline, database, embedded);
            timeline.close();
            throw new UncheckedIOException("cannot open the HTTP port " + config.http().surface().bindAddress() + ":"
                    + config.http().port() + ". Fix: set USERSYNC_HTTP_PORT to a free port (0 for any) and USERSYNC_HTTP_BIND"
                    + " to an address of this host.", e);
        } catch (RuntimeException e) {
            close(dashboard, pipeline, database, embedded);
            timeline.close();
            throw e;
        }
    }

    public AppConfig config() {
        return embedded.config();
    }

    /**
     * The embedded database is this process's own: it takes the configured policy. Any other holds the policy its
     * last {@code migrate} applied, with the privileges that go with it; a sink must not run under another one.
     */
    private static void settleProfileFields(AppConfig config, EmbeddedServers embedded, DataSource database) {
        ProfileFieldsPolicy configured = config.sink().profileFields();
        String variable = Setting.PROFILE_FIELDS.variable();
        try {
            if (embedded.postgres() != null) {
                configured.apply(database);
            } else if (config.instance().stages().contains(AppConfig.Stage.SINK)) {
                ProfileTable table = StageConfigs.database(config).profileTable();
                ProfileFieldsPolicy inForce = ProfileFieldsPolicy.inForce(database, table).orElseThrow(() -> new ConfigException(
                        List.of(Setting.TABLE.variable() + "=" + table + ", but " + table + " is not a profile table usersync"
                                + " migrated in this database. Fix: run 'usersync migrate' with the same " + Setting.TABLE.variable()
                                + ", or set it to the table migrate made or took over.")));
                if (inForce != configured) {
                    throw new ConfigException(List.of(variable + " is " + configured.value() + " but the database holds "
                            + inForce.value() + ". Fix: run 'usersync migrate' with " + variable + "=" + configured.value()
                            + " to change the policy and the privileges that go with it, or set " + variable + "="
                            + inForce.value() + "."));
                }
            }
        } catch (SQLException e) {
            // The database is down: the stages wait for it, and the policy is checked at the next start.
            log.warn("Cannot read the profile fields policy from the database now ({}); starting without that check",
                    e.getClass().getSimpleName());
        }
    }

    /** The process's connection pool: ordinary connections, not the sink's. */
    public DataSource database() {
        return database;
    }

    public EmbeddedServers embedded() {
        return embedded;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public int httpPort() {
        return ops.port();
    }

    /** Where a browser on this host opens the dashboard. */
    public String dashboardUrl() {
        String host = ops.address().getHostString();
        boolean everyInterface = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        return "http://" + (everyInterface ? "127.0.0.1" : host) + ":" + ops.port() + Dashboard.PAGE;
    }

    @Override
    public void close() {
        if (reconcile != null) {
            reconcile.close();
        }
        if (eraser != null) {
            eraser.close();
        }
        ops.close();
        close(dashboard, pipeline, database, embedded);
        registry.close();
        timeline.close();
    }

    private static void close(Dashboard dashboard, Pipeline pipeline, HikariDataSource database, EmbeddedServers embedded) {
        if (dashboard != null) {
            dashboard.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        database.close();
        embedded.close();
    }
}
