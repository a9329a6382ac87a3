package io.usersync.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The module and package rules of ARCHITECTURE.md, checked on the compiled main classes of every module
 * (app's test classpath holds them all). Test code, the schemas test-jar included, may use anything.
 */
class ArchitectureTest {

    private static final String SCHEMAS = "io.usersync.schemas..";
    private static final String EMBEDDED = "io.usersync.embedded..";
    private static final String CAPTURE = "io.usersync.capture..";
    private static final String PROCESSOR = "io.usersync.processor..";
    private static final String SINK = "io.usersync.sink..";
    private static final String APP = "io.usersync.app..";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.usersync");

    @Test
    void shouldSeeTheMainClassesOfEveryModuleAndNoTestClasses() {
        for (String module : new String[] {SCHEMAS, EMBEDDED, CAPTURE, PROCESSOR, SINK, APP}) {
            assertThat(CLASSES.that(JavaClass.Predicates.resideInAPackage(module))).as(module).isNotEmpty();
        }
        assertThat(CLASSES).extracting(JavaClass::getSimpleName).doesNotContain("ArchitectureTest", "TestDatabase");
    }

    @Test
    void shouldKeepSchemasFreeOfEveryOtherModule() {
        importsNone(SCHEMAS, "the contract is what the stages share, it knows none of them",
                EMBEDDED, CAPTURE, PROCESSOR, SINK, APP);
    }

    @Test
    void shouldKeepKafkaAndJdbcOutOfSchemas() {
        importsNone(SCHEMAS, "schemas holds records, JSON Schemas and SQL, not clients",
                "org.apache.kafka..", "java.sql..", "javax.sql..");
    }

    @Test
    void shouldKeepEmbeddedFreeOfEveryModule() {
        importsNone(EMBEDDED, "the embedded servers are infrastructure, used by app and by tests",
                SCHEMAS, CAPTURE, PROCESSOR, SINK, APP);
    }

    @Test
    void shouldLetCaptureImportOnlySchemas() {
        importsNone(CAPTURE, "stages meet only through topics and the schemas contract", EMBEDDED, PROCESSOR, SINK, APP);
    }

    @Test
    void shouldLetTheStreamProcessorImportOnlySchemas() {
        importsNone(PROCESSOR, "stages meet only through topics and the schemas contract", EMBEDDED, CAPTURE, SINK, APP);
    }

    @Test
    void shouldLetTheSinkImportOnlySchemas() {
        importsNone(SINK, "stages meet only through topics and the schemas contract", EMBEDDED, CAPTURE, PROCESSOR, APP);
    }

    @Test
    void shouldLetNothingButAppImportApp() {
        noClasses().that().resideOutsideOfPackage(APP).should().dependOnClassesThat().resideInAPackage(APP)
                .because("app wires the stages; no stage depends on the wiring").check(CLASSES);
    }

    @Test
    void shouldKeepTheStreamProcessorOffTheDatabase() {
        importsNone(PROCESSOR, "the stream processor reads and writes Kafka only", "java.sql..", "javax.sql..");
    }

    @Test
    void shouldBuildTheTopologyWithoutRunningIt() {
        noClasses().that().resideInAPackage("io.usersync.processor.topology..").should().dependOnClassesThat()
                .haveFullyQualifiedName("org.apache.kafka.streams.KafkaStreams")
                .orShould().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.clients.producer..",
                        "org.apache.kafka.clients.consumer..")
                .because("the topology is built from a config and run elsewhere, so tests run the production topology")
                .check(CLASSES);
    }

    @Test
    void shouldKeepTheUsernameAndNormalizationRulesApartFromTheTopology() {
        noClasses().that().resideInAnyPackage("io.usersync.processor.normalize..", "io.usersync.processor.username..")
                .should().dependOnClassesThat().resideInAPackage("io.usersync.processor.topology..")
                .because("the rules are pure and tested alone; the topology applies them").check(CLASSES);
    }

    @Test
    void shouldKeepTheSinksBatchingPolicyApartFromWriting() {
        importsNone("io.usersync.sink.batch..", "the buffer decides when to flush and is tested without a database",
                "io.usersync.sink.write..", "java.sql..", "javax.sql..");
    }

    private static void importsNone(String packages, String reason, String... forbidden) {
        noClasses().that().resideInAPackage(packages).should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .because(reason).check(CLASSES);
    }
}
