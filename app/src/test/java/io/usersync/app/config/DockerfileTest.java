package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.usersync.app.config.Dockerfile.Instruction;

/** The image is built in a stage of its own, runs as a user that is not root, and has what compose's healthcheck runs. */
class DockerfileTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void shouldBuildInAStageOfItsOwnAndCopyOnlyTheJarIntoTheRuntimeImage() throws IOException {
        Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));
        List<Instruction> froms = dockerfile.all("FROM");
        String buildStage = froms.get(0).arguments().split("\\s+[Aa][Ss]\\s+")[1];

        assertThat(froms).hasSizeGreaterThanOrEqualTo(2);
        assertThat(dockerfile.finalStage()).filteredOn(instruction -> instruction.keyword().equals("COPY"))
                .extracting(Instruction::arguments)
                .containsExactly("--from=" + buildStage + " /src/app/target/usersync.jar /opt/usersync/usersync.jar");
    }

    @Test
    void shouldRunAsAUserThatIsNotRoot() throws IOException {
        List<Instruction> users = Dockerfile.read(ROOT.resolve("Dockerfile")).finalStage().stream()
                .filter(instruction -> instruction.keyword().equals("USER")).toList();

        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).arguments().split(":")[0];
        assertThat(user).isNotIn("root", "0");
    }

    @Test
    void shouldInstallTheCurlThatComposesHealthcheckRuns() throws IOException {
        assertThat(ComposeProject.tree(ROOT.resolve("docker-compose.yml")).at("/services/process/healthcheck/test").toString())
                .contains("curl ");
        assertThat(Dockerfile.read(ROOT.resolve("Dockerfile")).finalStage()).filteredOn(i -> i.keyword().equals("RUN"))
                .extracting(Instruction::arguments).anySatisfy(run -> assertThat(run).contains("install").contains(" curl"));
    }
}
